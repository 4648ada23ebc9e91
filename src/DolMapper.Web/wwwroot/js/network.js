// Draws every box marked data-network="URL" (docs/dashboard.md, "Network") with Cytoscape.js:
// the URL answers {nodes: [{id, label, rank, score, url, focus}], edges: [{source, target, weight}]}.
// Circles are sized by score, arrows point from who engaged to whom, thicker for more often; a
// click opens the person's DOL page. With data-communities the groups Markov clustering finds
// (people who engage each other more than the rest) get a colour each. The box records what it
// drew in data-drawn, data-nodes, data-edges and data-communities-found. data-labels names the
// persons ranked up to that number ("all": everyone drawn); the others are named when pointed at.
(function () {
    'use strict';
    var palette = ['#0d6efd', '#d63384', '#198754', '#fd7e14', '#6f42c1', '#20c997', '#dc3545', '#0dcaf0', '#795548', '#6c757d'];

    function draw(box, graph) {
        var maxWeight = graph.edges.reduce(function (m, e) { return Math.max(m, e.weight); }, 1);
        var labelled = box.dataset.labels === 'all' ? Infinity : Number(box.dataset.labels || 25);
        var elements = graph.nodes.map(function (n) {
            return { data: { id: n.id, label: n.label, rank: n.rank, score: n.score, url: n.url }, classes: (n.focus ? 'focus' : '') + (n.rank <= labelled || n.focus ? ' labelled' : '') };
        }).concat(graph.edges.map(function (e, i) {
            return { data: { id: 'e' + i, source: e.source, target: e.target, weight: e.weight, width: 0.5 + 4 * Math.sqrt(e.weight / maxWeight) } };
        }));
        var cy = cytoscape({
            container: box,
            elements: elements,
            wheelSensitivity: 0.3,
            minZoom: 0.2,
            maxZoom: 4,
            style: [
                { selector: 'node', style: { 'background-color': '#6c8ebf', width: 'mapData(score, 0, 100, 10, 36)', height: 'mapData(score, 0, 100, 10, 36)', 'border-width': 1, 'border-color': '#fff' } },
                { selector: 'node.labelled, node.hover', style: { label: 'data(label)', 'font-size': 10, color: '#212529', 'text-valign': 'bottom', 'text-margin-y': 3, 'text-outline-color': '#fff', 'text-outline-width': 2 } },
                { selector: 'node.focus', style: { 'background-color': '#212529', 'border-color': '#ffc107', 'border-width': 3, 'font-weight': 'bold' } },
                { selector: 'edge', style: { width: 'data(width)', 'line-color': '#adb5bd', 'target-arrow-color': '#adb5bd', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.6, 'curve-style': 'bezier', opacity: 0.6 } },
                { selector: 'node.dim', style: { opacity: 0.25 } },
                { selector: 'edge.dim', style: { opacity: 0.08 } }
            ],
            // One person's network: them in the middle, their peers around. A profile's: forces, with
            // fewer rounds for a dense network so the page answers quickly (2,000 ties: docs/dashboard.md).
            layout: graph.nodes.some(function (n) { return n.focus; })
                ? { name: 'concentric', animate: false, concentric: function (node) { return node.hasClass('focus') ? 2 : 1; }, levelWidth: function () { return 1; }, minNodeSpacing: 40 }
                : { name: 'cose', animate: false, idealEdgeLength: function () { return 80; }, nodeRepulsion: function () { return 20000; }, numIter: graph.edges.length > 1000 ? 300 : 600 }
        });
        // A small network is not blown up to fill the box.
        if (cy.zoom() > 1.5) {
            cy.zoom(1.5);
            cy.center();
        }
        if (box.dataset.communities === 'true' && graph.edges.length > 0) {
            var clusters = cy.elements().markovClustering({ attributes: [function (edge) { return edge.data('weight'); }], inflateFactor: 2, maxIterations: 20 })
                .filter(function (c) { return c.nodes().length > 1; })
                .sort(function (a, b) { return b.nodes().length - a.nodes().length; });
            clusters.forEach(function (cluster, i) {
                cluster.nodes().style('background-color', palette[i % palette.length]);
            });
            box.dataset.communitiesFound = String(clusters.length);
        }
        // Pointing at a person names them and lights up their ties; a click opens their page.
        cy.on('mouseover', 'node', function (event) {
            var node = event.target;
            node.addClass('hover');
            cy.elements().not(node.closedNeighborhood()).addClass('dim');
        });
        cy.on('mouseout', 'node', function (event) {
            event.target.removeClass('hover');
            cy.elements().removeClass('dim');
        });
        cy.on('tap', 'node', function (event) {
            var url = event.target.data('url');
            if (url) {
                window.location.href = url;
            }
        });
        // The drawing itself, for the browser tests and anyone at the console.
        box.dmNetwork = cy;
        box.dataset.nodes = String(cy.nodes().length);
        box.dataset.edges = String(cy.edges().length);
        box.dataset.drawn = 'true';
    }

    document.querySelectorAll('[data-network]').forEach(function (box) {
        var started = performance.now();
        fetch(box.dataset.network, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error('HTTP ' + response.status);
                }
                return response.json();
            })
            .then(function (graph) {
                if (graph.nodes.length < 2) {
                    box.textContent = box.dataset.empty || 'Nobody to draw.';
                    box.classList.add('dm-network-empty');
                    box.dataset.drawn = 'true';
                    return;
                }
                draw(box, graph);
                box.dataset.drawMs = String(Math.round(performance.now() - started));
            })
            .catch(function (error) {
                box.textContent = 'The network could not be drawn (' + error.message + ').';
                box.classList.add('dm-network-empty');
            });
    });
})();
