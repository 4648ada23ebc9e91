// Draws the DOL profile's and the compare page's charts from the data attributes the page renders (the tables beside
// them carry the same numbers for readers who do not see the charts).
(function () {
    const radar = document.getElementById('radar');
    if (radar && window.Chart) {
        const labels = JSON.parse(radar.dataset.labels);
        const values = JSON.parse(radar.dataset.values);
        new Chart(radar, {
            type: 'radar',
            data: { labels, datasets: [{ label: radar.dataset.name, data: values, fill: true,
                backgroundColor: 'rgba(13,110,253,0.2)', borderColor: 'rgb(13,110,253)', pointBackgroundColor: 'rgb(13,110,253)' }] },
            options: { animation: false, scales: { r: { min: 0, max: 100, ticks: { stepSize: 25 } } }, plugins: { legend: { display: false } } }
        });
        radar.dataset.drawn = 'true';
    }
    // Small radars (the personas page): one per canvas.dm-radar.
    document.querySelectorAll('canvas.dm-radar').forEach(function (canvas) {
        if (!window.Chart) { return; }
        new Chart(canvas, {
            type: 'radar',
            data: { labels: JSON.parse(canvas.dataset.labels), datasets: [{ label: canvas.dataset.name, data: JSON.parse(canvas.dataset.values), fill: true,
                backgroundColor: 'rgba(111,66,193,0.2)', borderColor: 'rgb(111,66,193)', pointRadius: 2 }] },
            options: { animation: false, scales: { r: { min: 0, max: 100, ticks: { display: false } } }, plugins: { legend: { display: false } } }
        });
        canvas.dataset.drawn = 'true';
    });
    const bars = document.getElementById('contributions');
    if (bars && window.Chart) {
        new Chart(bars, {
            type: 'bar',
            data: { labels: JSON.parse(bars.dataset.labels), datasets: [{ label: 'points of the score', data: JSON.parse(bars.dataset.values), backgroundColor: 'rgb(25,135,84)' }] },
            options: { animation: false, indexAxis: 'y', plugins: { legend: { display: false } } }
        });
        bars.dataset.drawn = 'true';
    }
    const activity = document.getElementById('activity');
    if (activity && window.Chart) {
        new Chart(activity, {
            type: 'bar',
            data: { labels: JSON.parse(activity.dataset.labels), datasets: [
                { label: 'posts', data: JSON.parse(activity.dataset.posts), backgroundColor: 'rgb(13,110,253)' },
                { label: 'engagement received (÷10)', data: JSON.parse(activity.dataset.engagement), type: 'line', borderColor: 'rgb(253,126,20)', pointRadius: 0 }] },
            options: { animation: false, scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true } } }
        });
        activity.dataset.drawn = 'true';
    }
    // An insight item's weeks (the insights page): HCPs' and others' posts stacked.
    const trend = document.getElementById('trend-weeks');
    if (trend && window.Chart) {
        new Chart(trend, {
            type: 'bar',
            data: { labels: JSON.parse(trend.dataset.labels), datasets: [
                { label: 'HCPs', data: JSON.parse(trend.dataset.hcp), backgroundColor: 'rgb(13,110,253)' },
                { label: 'others', data: JSON.parse(trend.dataset.public), backgroundColor: 'rgb(173,181,189)' }] },
            options: { animation: false, scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } }, y: { stacked: true, beginAtZero: true } } }
        });
        trend.dataset.drawn = 'true';
    }
    // A product's share of voice a week against its competitors (the insights' product page; the launch week marked in the labels).
    const share = document.getElementById('product-share');
    if (share && window.Chart) {
        const colours = ['13,110,253', '220,53,69', '25,135,84', '253,126,20', '111,66,193', '32,201,151'];
        const series = JSON.parse(share.dataset.series);
        new Chart(share, {
            type: 'line',
            data: { labels: JSON.parse(share.dataset.labels), datasets: series.map((s, i) => ({ label: s.name, data: s.values, spanGaps: true, tension: 0,
                borderColor: `rgb(${colours[i % colours.length]})`, backgroundColor: `rgb(${colours[i % colours.length]})`, borderWidth: i === 0 ? 3 : 2 })) },
            options: { animation: false, scales: { x: { ticks: { maxTicksLimit: 13 } }, y: { min: 0, max: 100, title: { display: true, text: 'share of voice, %' } } } }
        });
        share.dataset.drawn = 'true';
    }
    const compare = document.getElementById('compare-radar');
    if (compare && window.Chart) {
        const colours = ['13,110,253', '220,53,69', '25,135,84', '253,126,20'];
        const series = JSON.parse(compare.dataset.series);
        new Chart(compare, {
            type: 'radar',
            data: { labels: JSON.parse(compare.dataset.labels), datasets: series.map((s, i) => ({ label: s.name, data: s.values, fill: true,
                backgroundColor: `rgba(${colours[i % 4]},0.12)`, borderColor: `rgb(${colours[i % 4]})`, pointBackgroundColor: `rgb(${colours[i % 4]})` })) },
            options: { animation: false, scales: { r: { min: 0, max: 100, ticks: { stepSize: 25 } } } }
        });
        compare.dataset.drawn = 'true';
    }
})();
