// The profile editor: each weight's number follows its slider, and a moved weight asks htmx for a
// new preview ("dm-weights-changed" on the form; an event, not an evaluated trigger filter, so the
// Content-Security-Policy needs no 'unsafe-eval').
document.querySelectorAll('input.dm-weight').forEach(function (slider) {
    var output = document.getElementById(slider.id + '-value');
    var show = function () { output.textContent = String(Math.round(parseFloat(slider.value) * 100) / 100); };
    slider.addEventListener('input', function () {
        show();
        slider.form.dispatchEvent(new CustomEvent('dm-weights-changed', { bubbles: true }));
    });
    show();
});
