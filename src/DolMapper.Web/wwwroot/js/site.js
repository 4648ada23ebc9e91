// Behaviour every page may use, bound here rather than in inline handlers so the
// Content-Security-Policy allows scripts from this site only (docs/security.md):
// - a control marked data-autosubmit submits its form when it changes;
// - a form marked data-confirm="question" asks before it is sent.
document.addEventListener('change', function (event) {
    var control = event.target;
    if (control instanceof Element && control.matches('[data-autosubmit]') && control.form) {
        if (typeof control.form.requestSubmit === 'function') {
            control.form.requestSubmit();
        } else {
            control.form.submit();
        }
    }
});
document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
    }
}, true);
