/* Journey maps: draws a pyvis-built network from the page's JSON data block. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("journey-map-data").textContent);
  var container = document.getElementById("journey-map");
  // On a phone the legend starts closed, to leave the map the frame's height.
  var legend = document.querySelector("details.journey-map-legend-box");
  if (legend && window.innerWidth < 600) { legend.open = false; }
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var decor = data.decor || {};
  var FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var TOP = 30;          // px above the first lane for the date labels
  var ROW = 20;          // px per row of window and birthday labels under the lanes
  var MIN_LANE = 20;     // px: lanes never get thinner than this (the map then pans)
  var MAX_LANE = 90;
  // The swimlane's layout in screen pixels at the reset view (scale 1), made by fill().
  var layout = null;
  var chosenMember = "";
  window.nodes = nodes;
  window.edges = edges;
  window.network = network;

  function screenSpace(ctx, draw) {
    var ratio = ctx.canvas.width / (ctx.canvas.clientWidth || ctx.canvas.width) || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw();
    ctx.restore();
  }

  function pill(ctx, text, x, y, centred, fill, ink) {
    ctx.font = FONT;
    var width = ctx.measureText(text).width;
    var left = centred ? x - width / 2 : x;
    ctx.fillStyle = fill || "rgba(255, 255, 255, 0.9)";
    ctx.fillRect(left - 4, y - 9, width + 8, 18);
    ctx.fillStyle = ink || "#1f2933";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(text, left, y);
    return [left - 4, left + width + 4];
  }

  function clip(ctx, text, width) {
    ctx.font = FONT;
    if (ctx.measureText(text).width <= width) { return text; }
    while (text.length > 1 && ctx.measureText(text + "…").width > width) {
      text = text.slice(0, -1);
    }
    return text + "…";
  }

  // -- the swimlane's layout: lanes fill the frame's height, time fills its width ------------

  function fill() {
    var box = decor.extent;
    var lanes = decor.lanes || [];
    var width = container.clientWidth || 800;
    var height = container.clientHeight || 600;
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = FONT;
    var longest = 0;
    lanes.forEach(function (lane) { longest = Math.max(longest, ctx.measureText(lane.label).width); });
    // The lane labels keep a gutter of their own, so they never cover the data.
    // vis draws a box about 20 px wider than its text (margins, border): keep room for it.
    var gutter = Math.round(Math.min(longest + 40, Math.max(0.36 * width, 90)));
    var rows = (decor.bands || []).length + ((decor.birthdays || []).length ? 1 : 0);
    var bottom = 12 + ROW * rows;
    var lane = (height - TOP - bottom) / Math.max(lanes.length, 1);
    lane = Math.min(Math.max(lane, MIN_LANE), MAX_LANE);
    var span = Math.max(box.x1 - box.x0, 1);
    var left = gutter + 14, right = width - 14;
    var fx = Math.max(right - left, 40) / span;
    var fy = lane / (2 * (lanes[0] ? lanes[0].half : 50));
    var origin = lanes[0] ? lanes[0].y - lanes[0].half : 0;
    function X(x) { return left + (x - box.x0) * fx; }
    function Y(y) { return TOP + (y - origin) * fy; }
    var columns = {};
    data.nodes.forEach(function (node) {
      if (node.kind === "count") { columns[node.x] = true; }
    });
    var gap = Math.max(right - left, 40) / Math.max(Object.keys(columns).length, 1);
    var largest = 1;
    data.nodes.forEach(function (node) {
      if (node.kind === "count") { largest = Math.max(largest, node.contacts); }
    });
    var most = Math.max(3, 0.48 * Math.min(lane, gap));
    var updates = data.nodes.map(function (node) {
      if (node.kind === "lane") {
        // DataSet.update replaces a nested object whole, so the font keeps its colour here.
        return { id: node.id, x: gutter / 2, y: Y(node.y), label: clip(ctx, node.label, gutter - 40),
                 font: Object.assign({}, node.font, { size: 12 }),
                 widthConstraint: { maximum: gutter - 4 },
                 margin: { top: 3, bottom: 3, left: 4, right: 4 } };
      }
      var update = { id: node.id, x: X(node.x), y: Y(node.y) };
      if (node.kind === "count") {
        update.size = Math.max(Math.min(3.5, most), most * Math.sqrt(node.contacts / largest));
      } else if (node.kind === "contact") {
        // Smaller markers in a narrow frame (a phone), where they would hide each other.
        var narrow = Math.min(1, (right - left) / 900);
        update.size = Math.max(4, Math.min(node.size * narrow, 0.3 * lane));
      }
      return update;
    });
    nodes.update(updates);
    layout = {
      width: width, height: height, gutter: gutter, lane: lane, left: left, right: right,
      x0: X(box.x0), x1: X(box.x1), y0: TOP, y1: TOP + lane * lanes.length,
      lanes: lanes.map(function (l) { return { y: Y(l.y), half: l.half * fy, shade: l.shade,
                                               label: l.label, node: l.node, fill: l.fill,
                                               ink: l.ink }; }),
      ticks: (decor.ticks || []).map(function (t) { return { x: X(t.x), label: t.label,
                                                             major: t.major }; }),
      bands: (decor.bands || []).map(function (b) { return { x0: X(b.x0), x1: X(b.x1),
                                                             colour: b.colour, label: b.label }; }),
      birthdays: (decor.birthdays || []).map(function (b) { return { x: X(b.x), label: b.label,
                                                                     person: b.person,
                                                                     agencies: b.agencies }; })
    };
    window.mapLayout = layout;
  }

  function fitExtent() {
    // Other maps: fit the nodes (with their labels) and the decorations, which vis's own
    // fit ignores.
    var box = decor.extent;
    var x0 = box.x0, x1 = box.x1, y0 = box.y0, y1 = box.y1;
    nodes.getIds().forEach(function (id) {
      var b = network.getBoundingBox(id);
      x0 = Math.min(x0, b.left); x1 = Math.max(x1, b.right);
      y0 = Math.min(y0, b.top); y1 = Math.max(y1, b.bottom);
    });
    var width = container.clientWidth || 800;
    var height = container.clientHeight || 600;
    var scale = Math.min(width / Math.max(x1 - x0, 1), height / Math.max(y1 - y0 + 60, 1));
    network.moveTo({
      position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 - 10 },
      scale: Math.min(scale * 0.96, 1.5),
      animation: false
    });
  }

  function reset() {
    if (decor.lanes) {
      fill();
      network.moveTo({ position: { x: layout.width / 2, y: layout.height / 2 }, scale: 1,
                       animation: false });
    } else if (decor.extent) {
      fitExtent();
    } else {
      network.fit({ animation: false });
    }
  }

  function zoom(factor) {
    var scale = network.getScale() * factor;
    network.moveTo({ scale: Math.min(Math.max(scale, 0.2), 8), animation: false });
  }

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + ", " + ((n >> 8) & 255) + ", " + (n & 255) + ", " + alpha + ")";
  }

  function drawLanes(ctx, scale) {
    var x0 = layout.x0 - 10, x1 = layout.x1 + 10;
    layout.lanes.forEach(function (lane) {
      if (lane.shade) {
        ctx.fillStyle = "#eef1f5";
        ctx.fillRect(x0, lane.y - lane.half, x1 - x0, 2 * lane.half);
      }
    });
    layout.bands.forEach(function (band) {
      // A light fill, and edges in the band's full colour so overlapping windows stay apart.
      var from = band.x0 - 3, wide = Math.max(band.x1 - band.x0 + 6, 4 / scale);
      ctx.fillStyle = rgba(band.colour, 0.2);
      ctx.fillRect(from, layout.y0, wide, layout.y1 - layout.y0);
      ctx.strokeStyle = band.colour;
      ctx.lineWidth = 2 / scale;
      ctx.strokeRect(from, layout.y0, wide, layout.y1 - layout.y0);
    });
    layout.ticks.forEach(function (tick) {
      ctx.strokeStyle = tick.major ? "#9aa5b1" : "#d9dee4";
      ctx.lineWidth = 1 / scale;
      ctx.beginPath();
      ctx.moveTo(tick.x, layout.y0);
      ctx.lineTo(tick.x, layout.y1);
      ctx.stroke();
    });
    layout.birthdays.forEach(function (birthday) {
      // Strong across the lanes of the member's own contacts, faint across the others.
      if (chosenMember && birthday.person !== chosenMember) { return; }
      ctx.setLineDash([6 / scale, 4 / scale]);
      layout.lanes.forEach(function (lane) {
        var own = birthday.agencies.indexOf(lane.label) >= 0;
        ctx.strokeStyle = own ? "#7B3294" : "rgba(123, 50, 148, 0.35)";
        ctx.lineWidth = (own ? 2.5 : 1.5) / scale;
        ctx.beginPath();
        ctx.moveTo(birthday.x, lane.y - lane.half);
        ctx.lineTo(birthday.x, lane.y + lane.half);
        ctx.stroke();
      });
      ctx.setLineDash([]);
    });
  }

  function laneLabels(ctx, scale, viewHeight) {
    // Zoomed out or panned off to the left, a lane's label node cannot be read; then its
    // label is drawn at a fixed size at the top left of its lane. How many were drawn so is
    // left on the container (none at the reset view, where the labels keep their column).
    var pinned = 0;
    layout.lanes.forEach(function (lane) {
      var bounds = network.getBoundingBox(lane.node);
      var left = network.canvasToDOM({ x: bounds.left, y: lane.y });
      if (scale * 12 >= 10 && left.x >= -4) { return; }
      var top = network.canvasToDOM({ x: 0, y: lane.y - lane.half }).y + 9;
      if (top > 0 && top < viewHeight) {
        pill(ctx, clip(ctx, lane.label, 160), 4, top, false, lane.fill, lane.ink);
        pinned += 1;
      }
    });
    container.setAttribute("data-pinned-labels", String(pinned));
  }

  function labelRows(ctx, viewWidth, viewHeight) {
    // One row per window, then one for the birthdays, under the lanes (kept in view).
    var under = network.canvasToDOM({ x: 0, y: layout.y1 }).y;
    var rows = layout.bands.length + (layout.birthdays.length ? 1 : 0);
    function rowY(row) { return Math.min(under + ROW * row - 6, viewHeight - 10 - ROW * (rows - row)); }
    var row = 0;
    layout.bands.forEach(function (band) {
      var from = Math.max(network.canvasToDOM({ x: band.x0, y: 0 }).x, 0);
      var to = Math.min(network.canvasToDOM({ x: band.x1, y: 0 }).x, viewWidth);
      row += 1;
      if (to > from) {
        var text = clip(ctx, band.label, viewWidth - 20);
        var half = ctx.measureText(text).width / 2 + 6;
        var centre = Math.min(Math.max((from + to) / 2, half), viewWidth - half);
        pill(ctx, text, centre, rowY(row), true, "#ffffff");
        pill(ctx, text, centre, rowY(row), true, rgba(band.colour, 0.3));
      }
    });
    var taken = [];
    layout.birthdays.forEach(function (birthday) {
      if (chosenMember && birthday.person !== chosenMember) { return; }
      var x = network.canvasToDOM({ x: birthday.x, y: 0 }).x;
      var half = ctx.measureText(birthday.label).width / 2 + 6;
      var centre = Math.min(Math.max(x, half), viewWidth - half);
      var clash = taken.some(function (span) { return centre - half < span[1] && centre + half > span[0]; });
      if (!clash && x >= 0 && x <= viewWidth) {
        taken.push(pill(ctx, birthday.label, centre, rowY(row + 1), true, "#f3e8f7", "#4a1d5e"));
      }
    });
  }

  function dateLabels(ctx, viewWidth) {
    var top = Math.max(12, network.canvasToDOM({ x: 0, y: layout.y0 }).y - 14);
    var taken = [];
    var from = Math.max(network.canvasToDOM({ x: layout.x0, y: 0 }).x - 30, 0);
    [true, false].forEach(function (major) {
      layout.ticks.forEach(function (tick) {
        if (Boolean(tick.major) !== major) { return; }
        ctx.font = FONT;
        var x = network.canvasToDOM({ x: tick.x, y: 0 }).x;
        var half = ctx.measureText(tick.label).width / 2 + 4;
        var clash = taken.some(function (span) {
          return x - half < span[1] + 8 && x + half > span[0] - 8;
        });
        if (!clash && x - half > from && x < viewWidth - half) {
          taken.push(pill(ctx, tick.label, x, top, true));
        }
      });
    });
  }

  network.on("beforeDrawing", function (ctx) {
    if (layout) { drawLanes(ctx, network.getScale()); }
  });

  function edgePoint(id, t) {
    // A point of vis-network's own curve when it has one; else of the straight line.
    var edge = network.body && network.body.edges[id];
    if (edge && edge.edgeType && edge.edgeType.getPoint) { return edge.edgeType.getPoint(t); }
    var ends = network.getConnectedNodes(id);
    var at = network.getPositions(ends);
    var a = at[ends[0]], b = at[ends[1]];
    return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function agencyNames(ctx) {
    // The dots first, so that no name covers an agency.
    var taken = nodes.getIds().map(function (id) {
      var b = network.getBoundingBox(id);
      var a = network.canvasToDOM({ x: b.left, y: b.top });
      var z = network.canvasToDOM({ x: b.right, y: b.bottom });
      return { left: a.x, top: a.y, right: z.x, bottom: z.y };
    });
    window.dotBoxes = taken.slice();
    ctx.font = FONT;
    nodes.get().filter(function (node) { return node.label; }).sort(function (a, b) {
      return (b.size || 0) - (a.size || 0);
    }).forEach(function (node) {
      var b = network.getBoundingBox(node.id);
      var below = network.canvasToDOM({ x: (b.left + b.right) / 2, y: b.bottom });
      var above = network.canvasToDOM({ x: (b.left + b.right) / 2, y: b.top });
      var half = ctx.measureText(node.label).width / 2 + 4;
      var width = ctx.canvas.clientWidth;
      // Under the dot, else over it; moved sideways to stay inside the map.
      [below.y + 10, above.y - 10].some(function (y) {
        var x = Math.min(Math.max(below.x, half + 2), width - half - 2);
        var box = { left: x - half, right: x + half, top: y - 9, bottom: y + 9 };
        if (taken.some(function (other) { return overlaps(box, other); })) { return false; }
        pill(ctx, node.label, x, y, true, "rgba(255, 255, 255, 0.85)",
             node.on_pathway === false ? "#52606d" : "#1f2933");
        taken.push(box);
        window.agencyNameBoxes.push({ id: node.id, left: box.left, top: box.top,
                                      right: box.right, bottom: box.bottom });
        return true;
      });
    });
  }

  function edgeLabels(ctx) {
    // Edge labels in screen space, strongest edge first, each drawn only where it covers no
    // node, no node label and no label already drawn: none collide at any zoom.
    var scale = network.getScale();
    window.edgeLabelBoxes = [];
    window.agencyNameBoxes = [];
    // Zoomed out too far for vis to draw the agencies' names legibly (a phone's width):
    // draw them at a readable size instead, busiest agency first, none over another,
    // and leave the numbers out, which would crowd them.
    if (scale * (decor.node_font || 14) < (decor.name_px || 9)) { agencyNames(ctx); return; }
    var taken = nodes.get().map(function (node) {
      // The dot's box, widened and lengthened by its label, which vis draws below it.
      var b = network.getBoundingBox(node.id);
      var size = ((node.font && node.font.size) || 14) * scale;
      ctx.font = size + "px system-ui, sans-serif";
      var half = ctx.measureText(node.label || "").width / 2 + 2;
      var a = network.canvasToDOM({ x: b.left, y: b.top });
      var z = network.canvasToDOM({ x: b.right, y: b.bottom });
      var middle = (a.x + z.x) / 2;
      return { left: Math.min(a.x, middle - half), top: a.y, right: Math.max(z.x, middle + half),
               bottom: z.y + (node.label ? size * 1.4 : 0), node: true };
    });
    var drawn = [];
    ctx.font = FONT;
    edges.get().forEach(function (edge) {
      if (!edge.caption) { return; }
      var half = ctx.measureText(edge.caption).width / 2 + 4;
      // The middle of the edge first, then points either side of it.
      [0.5, 0.4, 0.6, 0.3, 0.7].some(function (t) {
        var at = network.canvasToDOM(edgePoint(edge.id, t));
        var box = { left: at.x - half, right: at.x + half, top: at.y - 9, bottom: at.y + 9 };
        var inView = box.left > 0 && box.top > 0 && box.right < ctx.canvas.clientWidth &&
          box.bottom < ctx.canvas.clientHeight;
        if (!inView || taken.some(function (other) { return overlaps(box, other); })) {
          return false;
        }
        pill(ctx, edge.caption, at.x, at.y, true);
        taken.push(box);
        drawn.push({ id: edge.id, left: box.left, top: box.top, right: box.right,
                     bottom: box.bottom });
        return true;
      });
    });
    window.edgeLabelBoxes = drawn;
    window.nodeBoxes = taken.filter(function (b) { return b.node; });
  }

  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale();
    screenSpace(ctx, function () {
      var viewWidth = ctx.canvas.clientWidth;
      var viewHeight = ctx.canvas.clientHeight;
      if (decor.edge_labels) { edgeLabels(ctx); }
      (decor.headings || []).forEach(function (heading) {
        var at = network.canvasToDOM({ x: heading.x, y: heading.y });
        pill(ctx, heading.label, at.x, at.y, true);
      });
      if (!layout) { return; }
      dateLabels(ctx, viewWidth);
      labelRows(ctx, viewWidth, viewHeight);
      laneLabels(ctx, scale, viewHeight);
    });
  });

  // -- controls: zoom, reset, next-contact lines, member filter; wheel zoom only once chosen --

  function on(id, event, handler) {
    var element = document.getElementById(id);
    if (element) { element.addEventListener(event, handler); }
    return element;
  }

  function wheelZoom(enabled) {
    network.setOptions({ interaction: { zoomView: enabled } });
    container.setAttribute("data-wheel-zoom", enabled ? "on" : "off");
  }

  function showSteps(shown) {
    edges.update(edges.getIds().map(function (id) { return { id: id, hidden: !shown }; }));
  }

  function chooseMember(member) {
    chosenMember = member;
    nodes.update(data.nodes.filter(function (node) { return node.members; }).map(function (node) {
      var involved = !member || node.members.indexOf(member) >= 0;
      return { id: node.id, opacity: involved ? 1 : 0.15 };
    }));
    network.redraw();
  }

  on("journey-map-zoom-in", "click", function () { zoom(1.5); });
  on("journey-map-zoom-out", "click", function () { zoom(1 / 1.5); });
  on("journey-map-reset", "click", reset);
  var steps = on("journey-map-steps", "change", function (event) { showSteps(event.target.checked); });
  on("journey-map-member", "change", function (event) { chooseMember(event.target.value); });
  container.addEventListener("click", function () { wheelZoom(true); });
  container.addEventListener("focus", function () { wheelZoom(true); });
  container.addEventListener("blur", function () { wheelZoom(false); });
  window.addEventListener("blur", function () { wheelZoom(false); });
  network.on("resize", function (size) {
    // A new frame size (a turned phone, the legend opened or closed): lay the lanes out again.
    if (layout && (size.width !== size.oldWidth || size.height !== size.oldHeight)) { reset(); }
  });
  wheelZoom(false);
  var hint = document.getElementById("journey-map-hint");
  if (hint && window.matchMedia && window.matchMedia("(pointer: coarse)").matches) {
    hint.textContent = "Tap the map, then pinch to zoom; drag to pan.";
  }
  if (steps) { showSteps(steps.checked); }

  network.once("afterDrawing", function () {
    reset();
    document.body.setAttribute("data-map-ready", "true");
  });
})();
