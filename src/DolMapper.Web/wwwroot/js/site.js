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
// Times written by <local-time> (UTC on the server) are shown in the viewer's own time zone and
// locale; the UTC stays in the tooltip. Also after htmx swaps in new content.
function dmLocalTimes(root) {
    root.querySelectorAll('time[data-local]').forEach(function (el) {
        var at = new Date(el.getAttribute('datetime'));
        if (isNaN(at.getTime())) {
            return;
        }
        var options = el.dataset.local === 'date'
            ? { year: 'numeric', month: 'short', day: 'numeric' }
            : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
        el.textContent = at.toLocaleString(undefined, options);
    });
}
document.addEventListener('DOMContentLoaded', function () { dmLocalTimes(document); });
document.addEventListener('htmx:afterSettle', function () { dmLocalTimes(document); });
// Hours of the day written in UTC (data-utc-hour, and data-utc-hour-to for a span of hours) in the
// viewer's time zone: "14:00–16:00 UTC" reads "15:00–17:00 CET" in Paris in winter.
function dmLocalHours(root) {
    root.querySelectorAll('[data-utc-hour]').forEach(function (el) {
        function hour(h) {
            var at = new Date();
            at.setUTCHours(Number(h), 0, 0, 0);
            return at;
        }
        var options = { hour: '2-digit', minute: '2-digit' };
        var from = hour(el.dataset.utcHour);
        var zone = from.toLocaleTimeString(undefined, { timeZoneName: 'short' }).split(' ').pop();
        var text = from.toLocaleTimeString(undefined, options);
        if (el.dataset.utcHourTo) {
            text += '–' + hour(el.dataset.utcHourTo).toLocaleTimeString(undefined, options);
        }
        el.title = el.textContent;
        el.textContent = text + ' ' + zone;
    });
}
document.addEventListener('DOMContentLoaded', function () { dmLocalHours(document); });
// A button marked data-print prints the page (the print style sheet leaves out the controls).
document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-print]') : null;
    if (button) {
        window.print();
    }
});
// A form marked data-current-query sends the page's own query string as "query" (the rankings
// page's filters change the address without reloading, so the form reads it when it is sent).
document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute('data-current-query') && form.elements.namedItem('query')) {
        form.elements.namedItem('query').value = window.location.search.replace(/^\?/, '');
    }
}, true);
document.addEventListener('htmx:configRequest', function (event) {
    var source = event.detail.elt;
    if (source instanceof HTMLFormElement && source.hasAttribute('data-current-query')) {
        event.detail.parameters.query = window.location.search.replace(/^\?/, '');
    }
});
