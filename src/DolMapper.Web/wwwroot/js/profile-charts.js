// Draws the DOL profile's charts from the data attributes the page renders (the tables beside
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
    const bars = document.getElementById('contributions');
    if (bars && window.Chart) {
        new Chart(bars, {
            type: 'bar',
            data: { labels: JSON.parse(bars.dataset.labels), datasets: [{ label: 'points of the score', data: JSON.parse(bars.dataset.values), backgroundColor: 'rgb(25,135,84)' }] },
            options: { animation: false, indexAxis: 'y', plugins: { legend: { display: false } } }
        });
        bars.dataset.drawn = 'true';
    }
})();
