/* The network explorer's graph view: fetches /api/networks/<run>/<n>/graph and draws it with
   the vendored Cytoscape.js. Without JavaScript the page's evidence table stands in. Node size
   follows PageRank; hubs are diamonds (shape, not only colour); colour shows the platform. */
(function () {
  "use strict";

  // Okabe–Ito palette: tells platforms apart for most colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a6a00", "#000000"];

  function say(text) {
    var status = document.getElementById("graph-status");
    if (status) { status.textContent = text; }
  }

  function platformColours(nodes) {
    var names = [];
    nodes.forEach(function (n) {
      var p = n.platform || "unknown";
      if (names.indexOf(p) < 0) { names.push(p); }
    });
    names.sort();
    var colours = {};
    names.forEach(function (p, i) { colours[p] = PALETTE[i % PALETTE.length]; });
    return colours;
  }

  function addLegend(colours) {
    var legend = document.getElementById("graph-legend");
    if (!legend) { return; }
    var list = document.createElement("span");
    list.className = "platforms";
    Object.keys(colours).forEach(function (p) {
      var item = document.createElement("span");
      item.className = "platform-key";
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = colours[p];  // CSSOM: allowed by the CSP
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(p));
      list.appendChild(item);
    });
    legend.appendChild(document.createTextNode(" Platforms: "));
    legend.appendChild(list);
  }

  function draw(container, data) {
    if (!data.nodes.length) { say("This network has no node to draw."); return; }
    var colours = platformColours(data.nodes);
    var ranks = data.nodes.map(function (n) { return n.pagerank; });
    var minRank = Math.min.apply(null, ranks), spread = Math.max.apply(null, ranks) - minRank;
    var elements = data.nodes.map(function (n) {
      return { data: {
        id: n.id, label: n.label, hub: n.is_hub ? 1 : 0,
        colour: colours[n.platform || "unknown"],
        size: 12 + 26 * (spread > 0 ? Math.sqrt((n.pagerank - minRank) / spread) : 0.5),
        info: n.label + " (" + (n.platform || "unknown") + ")" + (n.is_hub ? ", hub" : "") +
          ": weighted degree " + n.weighted_degree + ", PageRank " + n.pagerank.toFixed(4)
      } };
    });
    data.edges.forEach(function (e, i) {
      elements.push({ data: {
        id: "e" + i, source: e.source, target: e.target,
        width: 1 + Math.log(1 + e.weight), kinds: e.kinds.join(", "), weight: e.weight
      } });
    });
    container.classList.add("is-drawn");
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", width: "data(size)", height: "data(size)",
          "border-width": 1, "border-color": "#ffffff", label: "", "font-size": 10,
          color: "#1b1f24", "text-valign": "bottom", "text-margin-y": 3
        } },
        { selector: "node[hub = 1]", style: {
          shape: "diamond", "border-width": 3, "border-color": "#1b1f24", label: "data(label)",
          "font-weight": "bold", "text-background-color": "#ffffff",
          "text-background-opacity": 0.85, "text-background-padding": 2
        } },
        { selector: "node:selected", style: { label: "data(label)", "border-color": "#c2410c", "border-width": 4 } },
        { selector: "edge", style: {
          width: "data(width)", "line-color": "#8896a5", opacity: 0.55, "curve-style": "haystack"
        } },
        { selector: "edge:selected", style: { "line-color": "#c2410c", opacity: 1 } }
      ],
      layout: {
        name: "cose", animate: false, randomize: true, padding: 30,
        nodeRepulsion: function () { return 400000; }, idealEdgeLength: function () { return 80; },
        nodeOverlap: 20
      }
    });
    cy.on("tap", "node", function (evt) { say(evt.target.data("info")); });
    cy.on("tap", "edge", function (evt) {
      var e = evt.target;
      say(cy.getElementById(e.data("source")).data("label") + " ↔ " +
        cy.getElementById(e.data("target")).data("label") + ": weight " + e.data("weight") +
        " (" + e.data("kinds") + ")");
    });
    addLegend(colours);
    var note = "Drawn: " + data.nodes.length + " of " + data.nodes_total + " accounts, " +
      data.edges.length + " of " + data.edges_total + " connections. Select a node or a line for details.";
    say(note);
    container.setAttribute("data-drawn", String(data.nodes.length));
  }

  function start() {
    var container = document.getElementById("graph");
    if (!container || !window.cytoscape) { return; }
    var url = container.getAttribute("data-graph-url");
    say("Loading the graph…");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("the server answered " + r.status); }
        return r.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function (err) { say("The graph could not be loaded (" + err.message + "); the evidence table below lists the edges."); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
