// The profile editor: each weight's number follows its slider.
document.querySelectorAll('input.dm-weight').forEach(function (slider) {
    var output = document.getElementById(slider.id + '-value');
    var show = function () { output.textContent = String(Math.round(parseFloat(slider.value) * 100) / 100); };
    slider.addEventListener('input', show);
    show();
});
