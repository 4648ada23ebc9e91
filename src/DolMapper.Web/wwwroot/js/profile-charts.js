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
            options: { animation: false, scales: { r: { min: 0, max: 100, ticks: { stepSize: 25, backdropColor: 'transparent', font: { size: 9 } } } }, plugins: { legend: { display: false } } }
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
    // A DOL's score and rank in each run; a run of a new profile version is drawn as a larger triangle,
    // so a jump caused by new weights is not read as a change in the person.
    const history = document.getElementById('history');
    if (history && window.Chart) {
        const versions = JSON.parse(history.dataset.versions);
        const changed = versions.map((v, i) => i > 0 && v !== versions[i - 1]);
        const style = changed.map(c => (c ? 'triangle' : 'circle'));
        const radius = changed.map(c => (c ? 7 : 3));
        new Chart(history, {
            type: 'line',
            data: { labels: JSON.parse(history.dataset.labels), datasets: [
                { label: 'score', data: JSON.parse(history.dataset.scores), yAxisID: 'score', borderColor: 'rgb(13,110,253)', backgroundColor: 'rgb(13,110,253)',
                  pointStyle: style, pointRadius: radius, tension: 0 },
                { label: 'rank', data: JSON.parse(history.dataset.ranks), yAxisID: 'rank', borderColor: 'rgb(253,126,20)', backgroundColor: 'rgb(253,126,20)',
                  pointStyle: style, pointRadius: radius, borderDash: [4, 3], tension: 0 }] },
            options: {
                animation: false,
                scales: {
                    score: { position: 'left', min: 0, max: 100, title: { display: true, text: 'score' } },
                    rank: { position: 'right', reverse: true, min: 1, suggestedMax: 10, ticks: { precision: 0 }, grid: { drawOnChartArea: false }, title: { display: true, text: 'rank (1 at the top)' } },
                    x: { ticks: { maxTicksLimit: 8 } }
                },
                plugins: { tooltip: { callbacks: { footer: items => 'profile version ' + versions[items[0].dataIndex] + (changed[items[0].dataIndex] ? ' (new weights or topic)' : '') } } }
            }
        });
        history.dataset.drawn = 'true';
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
