/* OneVoice coordination report: graphs and interactions. Untrusted text goes in through
   textContent only; links only for http(s) URLs. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("ov-data").textContent);
  var graphs = {};
  var URL_RE = /^https?:\/\/[^\s<>"']+$/i;

  function own(obj, key) {
    return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function colour(kind) {
    return own(DATA.colours, kind) || DATA.colours[""];
  }

  function itemNode(item, kind) {
    var li = el("li");
    if (URL_RE.test(item)) {
      var a = el("a", "item", item.replace(/^https?:\/\/(www\.)?/i, ""));
      a.href = item;
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      a.title = item;
      li.appendChild(a);
    } else if (kind === "co-hashtag") {
      li.textContent = "#" + item;
    } else if (kind === "co-hashtag-set") {
      li.textContent = item.split(" ").map(function (t) { return "#" + t; }).join(" ");
    } else if (own(DATA.posts, item)) {
      var post = own(DATA.posts, item);
      li.title = item + (post[0] ? " by " + post[0] : "") + ": " + post[1];
      if (post[0]) li.appendChild(el("span", "plat", post[0] + ": "));
      li.appendChild(el("span", "item", post[1] ? "\u201c" + post[1] + "\u201d" : item));
    } else {
      li.textContent = item;
    }
    return li;
  }

  function itemsNode(items, kind, shown) {
    var box = el("div");
    var ul = el("ul", "items");
    items.slice(0, shown).forEach(function (i) { ul.appendChild(itemNode(i, kind)); });
    box.appendChild(ul);
    if (items.length > shown) {
      var more = el("details", "more");
      more.appendChild(el("summary", null, (items.length - shown) + " more"));
      var rest = el("ul", "items");
      items.slice(shown).forEach(function (i) { rest.appendChild(itemNode(i, kind)); });
      more.appendChild(rest);
      box.appendChild(more);
    }
    return box;
  }

  function chip(kind) {
    var c = el("span", "chip", kind);
    c.style.setProperty("--k", colour(kind));
    return c;
  }

  function accountNode(acc, id) {
    var span = el("span");
    span.appendChild(el("span", "acct", acc ? acc.label : id)).title = id;
    if (acc && acc.platform) span.appendChild(el("span", "plat", " " + acc.platform));
    return span;
  }

  function dl(rows) {
    var list = el("dl");
    rows.forEach(function (r) {
      if (r[1] === "" || r[1] === null || r[1] === undefined) return;
      list.appendChild(el("dt", null, r[0]));
      list.appendChild(el("dd", null, r[1]));
    });
    return list;
  }

  function hint(info) {
    clear(info);
    info.appendChild(el("p", "hint",
      "Point at or click an account or an edge to see it here. Drag to move; click in the " +
      "graph, then use the wheel to zoom."));
  }

  function showNode(info, id, d) {
    clear(info);
    info.appendChild(el("h4", null, (d.handle || id) + (d.hub ? "  (hub)" : "")));
    info.appendChild(dl([
      ["Name", d.name],
      ["Platform", d.platform],
      ["Account", id],
      ["Posts", d.posts],
      ["Created", d.created],
      ["Followers", d.followers],
      ["Neighbours", d.deg],
      ["Weighted degree", d.wdeg],
      ["PageRank", d.pr]
    ]));
  }

  function showEdge(info, g, e) {
    clear(info);
    var la = (own(g.accounts, e.a) || { label: e.a }).label;
    var lb = (own(g.accounts, e.b) || { label: e.b }).label;
    info.appendChild(el("h4", null, la + " \u2194 " + lb));
    info.appendChild(dl([
      ["Kind", e.kind],
      ["Weight", e.w + " distinct items"],
      ["Post pairs", e.pp],
      ["First", e.first + " UTC"],
      ["Last", e.last + " UTC"],
      ["Quickest \u0394t", e.mindt],
      ["Median \u0394t", e.meddt]
    ]));
    info.appendChild(el("div", "hint", "Shared items (sample):"));
    var ul = el("ul");
    e.items.forEach(function (i) { ul.appendChild(itemNode(g.items[i], e.kind)); });
    info.appendChild(ul);
  }

  function style(many, size, opacity) {
    size = size || 11;
    return [
      { selector: "node", style: {
        "background-color": "#8fa7bf", "border-color": "#4f6275", "border-width": 1,
        "width": "data(size)", "height": "data(size)",
        "label": many ? "" : "data(label)", "font-size": size, "color": "#1d232b",
        "text-valign": "bottom", "text-margin-y": 3,
        "text-background-color": "#ffffff", "text-background-opacity": 0.75,
        "text-background-padding": 1, "text-background-shape": "roundrectangle",
        "text-wrap": "ellipsis", "text-max-width": size * 15
      } },
      { selector: "node.hub", style: {
        "background-color": "#f2b531", "border-color": "#7a4f00", "border-width": 3,
        "label": "data(label)", "font-weight": "bold", "font-size": size * 1.15, "z-index": 10
      } },
      { selector: "node.labelled", style: { "label": "data(label)" } },
      { selector: "edge", style: {
        "line-color": "data(color)", "width": "data(width)", "opacity": opacity,
        "curve-style": many ? "haystack" : "bezier"
      } },
      { selector: "node.focus", style: { "border-color": "#000000", "border-width": 4,
        "label": "data(label)" } },
      { selector: "edge.focus", style: { "opacity": 1, "z-index": 20 } },
      { selector: ".faded", style: { "opacity": 0.12, "text-opacity": 0 } }
    ];
  }

  function initGraph(id) {
    id = String(id);
    if (own(graphs, id)) return graphs[id];
    var g = own(DATA.graphs, id);
    var box = document.getElementById("cy-" + id);
    var info = document.getElementById("info-" + id);
    if (!g || !box || typeof cytoscape !== "function") return null;
    var elements = [];
    g.nodes.forEach(function (n) {
      var acc = own(g.accounts, n[0]) || {};
      elements.push({
        group: "nodes",
        data: { id: n[0], label: acc.label || n[0], size: n[3] },
        position: { x: n[1], y: n[2] },
        classes: acc.hub ? "hub" : ""
      });
    });
    g.edges.forEach(function (e, i) {
      if (!e.g) return;
      elements.push({
        group: "edges",
        data: { id: "e" + id + "-" + i, source: e.a, target: e.b, color: colour(e.kind),
          width: e.width, k: i }
      });
    });
    var cy = cytoscape({
      container: box,
      elements: elements,
      layout: { name: "preset", fit: true, padding: 30 },
      style: style(g.many, 11, g.opacity),
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      userZoomingEnabled: false
    });
    graphs[id] = cy;
    // names keep a readable size whatever the zoom
    var lastSize = 0;
    function fontSize() {
      var size = Math.round(Math.min(Math.max(11 / cy.zoom(), 3), 40) * 2) / 2;
      if (size === lastSize) return;
      lastSize = size;
      cy.style().fromJson(style(g.many, size, g.opacity)).update();
    }
    fontSize();
    cy.on("zoom", fontSize);

    function show(t) {
      if (t.isNode()) showNode(info, t.id(), own(g.accounts, t.id()) || {});
      else showEdge(info, g, g.edges[t.data("k")]);
    }
    function focus(ele) {
      cy.elements().removeClass("focus faded");
      var keep = ele.isNode() ? ele.closedNeighborhood() : ele.union(ele.connectedNodes());
      cy.elements().not(keep).addClass("faded");
      ele.addClass("focus");
    }
    var pinned = null;
    cy.on("mouseover", "node, edge", function (evt) {
      show(evt.target);
      if (!pinned) focus(evt.target);
    });
    cy.on("mouseout", "node, edge", function () {
      if (pinned) show(pinned); else cy.elements().removeClass("focus faded");
    });
    cy.on("tap", "node, edge", function (evt) {
      pinned = evt.target;
      focus(pinned);
      show(pinned);
    });
    cy.on("tap", function (evt) {
      if (evt.target === cy) {
        pinned = null;
        cy.elements().removeClass("focus faded");
        hint(info);
      }
    });
    // the wheel scrolls the page until the reader clicks in the graph
    box.addEventListener("mousedown", function () { cy.userZoomingEnabled(true); });
    box.addEventListener("mouseleave", function () { cy.userZoomingEnabled(false); });
    return cy;
  }

  function zoomBy(cy, factor) {
    cy.zoom({ level: cy.zoom() * factor,
      renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest ? evt.target.closest(".controls button") : null;
    if (!btn) return;
    var cy = initGraph(btn.getAttribute("data-net"));
    if (!cy) return;
    var act = btn.getAttribute("data-act");
    if (act === "in") zoomBy(cy, 1.3);
    else if (act === "out") zoomBy(cy, 1 / 1.3);
    else if (act === "fit") cy.fit(undefined, 30);
    else if (act === "labels") {
      var on = btn.getAttribute("aria-pressed") !== "true";
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      if (on) cy.nodes().addClass("labelled"); else cy.nodes().removeClass("labelled");
    }
  });

  // evidence rows past the first ones, drawn when opened (or before printing)
  function fillRows(details) {
    if (details.getAttribute("data-filled")) return;
    details.setAttribute("data-filled", "1");
    var g = own(DATA.graphs, details.getAttribute("data-rows"));
    var tbody = details.querySelector("tbody");
    if (!g || !tbody) return;
    g.edges.forEach(function (e) {
      if (!e.t) return;
      var tr = el("tr");
      var who = el("td");
      who.appendChild(accountNode(own(g.accounts, e.a), e.a));
      who.appendChild(el("br"));
      who.appendChild(document.createTextNode("\u2194 "));
      who.appendChild(accountNode(own(g.accounts, e.b), e.b));
      tr.appendChild(who);
      var kind = el("td");
      kind.appendChild(chip(e.kind));
      tr.appendChild(kind);
      tr.appendChild(el("td", "num", e.w));
      tr.appendChild(el("td", "num", e.pp));
      var when = el("td", "nowrap", e.first);
      when.appendChild(el("br"));
      when.appendChild(document.createTextNode(e.last));
      tr.appendChild(when);
      var dt = el("td", "num", e.mindt);
      dt.appendChild(el("br"));
      dt.appendChild(el("small", null, "median " + e.meddt));
      tr.appendChild(dt);
      var items = el("td", "items-cell");
      items.appendChild(itemsNode(e.items.map(function (i) { return g.items[i]; }), e.kind, 3));
      tr.appendChild(items);
      tbody.appendChild(tr);
    });
  }
  var restRows = document.querySelectorAll("details[data-rows]");
  Array.prototype.forEach.call(restRows, function (d) {
    d.addEventListener("toggle", function () { if (d.open) fillRows(d); });
  });

  // overview rows jump to their network
  function jump(row) {
    var target = document.getElementById(row.getAttribute("data-target"));
    if (!target) return;
    if (history && history.replaceState) history.replaceState(null, "", "#" + target.id);
    target.scrollIntoView({ block: "start" });
    initGraph(target.id.replace("net-", ""));
  }
  Array.prototype.forEach.call(document.querySelectorAll("tr.jump"), function (row) {
    row.addEventListener("click", function (evt) {
      if (evt.target.closest && evt.target.closest("a, summary, details")) {
        if (!evt.target.closest("a[href^='#']")) return;
        evt.preventDefault();
      }
      jump(row);
    });
    row.addEventListener("keydown", function (evt) {
      if (evt.key === "Enter" || evt.key === " ") { evt.preventDefault(); jump(row); }
    });
  });

  // draw graphs when they come near the screen
  var boxes = document.querySelectorAll(".graph[data-net]");
  if ("IntersectionObserver" in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          initGraph(entry.target.getAttribute("data-net"));
          io.unobserve(entry.target);
        }
      });
    }, { rootMargin: "400px 0px" });
    Array.prototype.forEach.call(boxes, function (box) { io.observe(box); });
  } else {
    Array.prototype.forEach.call(boxes, function (box) { initGraph(box.getAttribute("data-net")); });
  }

  // printing: a canvas may not be redrawn in time for the printout, so each graph is
  // printed as a picture of itself; the lists stay as the reader left them
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(boxes, function (box) {
      var cy = initGraph(box.getAttribute("data-net"));
      if (!cy) return;
      var old = box.parentNode.querySelector("img.print-graph");
      if (old) old.parentNode.removeChild(old);
      var img = el("img", "print-graph");
      img.alt = box.getAttribute("aria-label") || "";
      img.src = cy.png({ full: false, scale: 2, bg: "#ffffff" });
      box.parentNode.insertBefore(img, box.nextSibling);
    });
  });
  window.addEventListener("afterprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("img.print-graph"), function (img) {
      img.parentNode.removeChild(img);
    });
  });

  window.ovGraph = initGraph;
  window.ovGraphs = graphs;
})();
