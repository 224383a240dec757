/* Journey maps: draws a pyvis-built network from the page's JSON data block. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("journey-map-data").textContent);
  var container = document.getElementById("journey-map");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var decor = data.decor || {};
  var FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
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

  function laneLabels(ctx, scale, viewHeight) {
    // A lane's own label node becomes unreadable when zoomed out or panned off to the
    // left; then its label is drawn at a fixed size over it, or pinned to the left edge.
    (decor.lanes || []).forEach(function (lane) {
      var bounds = network.getBoundingBox(lane.node);
      var left = network.canvasToDOM({ x: bounds.left, y: lane.y });
      var right = network.canvasToDOM({ x: bounds.right, y: lane.y });
      if (scale * (decor.lane_font || 16) >= 11 && left.x >= 0) { return; }
      if (left.y > 0 && left.y < viewHeight) {
        ctx.font = FONT;
        var half = ctx.measureText(lane.label).width / 2;
        var centre = Math.max((left.x + right.x) / 2, half + 10);
        pill(ctx, lane.label, centre, left.y, true, lane.fill, lane.ink);
      }
    });
  }

  function fitExtent() {
    // Fit the nodes (with their labels) and the decorations, which vis's own fit ignores.
    var box = decor.extent;
    if (!box) { return; }
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

  network.on("beforeDrawing", function (ctx) {
    var box = decor.extent;
    if (!box) { return; }
    var scale = network.getScale();
    (decor.lanes || []).forEach(function (lane) {
      if (lane.shade) {
        ctx.fillStyle = "#eef1f5";
        ctx.fillRect(box.x0, lane.y - lane.half, box.x1 - box.x0, 2 * lane.half);
      }
    });
    if (decor.band) {
      ctx.fillStyle = "rgba(230, 159, 0, 0.18)";
      ctx.fillRect(decor.band.x0, box.y0, Math.max(decor.band.x1 - decor.band.x0, 4 / scale),
                   box.y1 - box.y0);
    }
    (decor.ticks || []).forEach(function (tick) {
      ctx.strokeStyle = tick.major ? "#9aa5b1" : "#d9dee4";
      ctx.lineWidth = 1 / scale;
      ctx.beginPath();
      ctx.moveTo(tick.x, box.y0);
      ctx.lineTo(tick.x, box.y1);
      ctx.stroke();
    });
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
    var box = decor.extent;
    screenSpace(ctx, function () {
      var viewWidth = ctx.canvas.clientWidth;
      var viewHeight = ctx.canvas.clientHeight;
      if (decor.edge_labels) { edgeLabels(ctx); }
      (decor.headings || []).forEach(function (heading) {
        var at = network.canvasToDOM({ x: heading.x, y: heading.y });
        pill(ctx, heading.label, at.x, at.y, true);
      });
      if (!box) { return; }
      var top = Math.max(12, network.canvasToDOM({ x: 0, y: box.y0 }).y - 12);
      var taken = [];
      [true, false].forEach(function (major) {
        (decor.ticks || []).forEach(function (tick) {
          if (Boolean(tick.major) !== major) { return; }
          ctx.font = FONT;
          var x = network.canvasToDOM({ x: tick.x, y: 0 }).x;
          var half = ctx.measureText(tick.label).width / 2 + 4;
          var clash = taken.some(function (span) {
            return x - half < span[1] + 8 && x + half > span[0] - 8;
          });
          if (!clash && x > half && x < viewWidth - half) {
            taken.push(pill(ctx, tick.label, x, top, true));
          }
        });
      });
      if (decor.band) {
        var left = network.canvasToDOM({ x: decor.band.x0, y: box.y1 });
        var right = network.canvasToDOM({ x: decor.band.x1, y: box.y1 });
        var from = Math.max(left.x, 0), to = Math.min(right.x, viewWidth);
        if (to > from) {
          pill(ctx, decor.band.label, Math.min(Math.max((from + to) / 2, 50), viewWidth - 50),
               Math.min(left.y + 14, viewHeight - 10), true);
        }
      }
      laneLabels(ctx, scale, viewHeight);
    });
  });

  network.once("afterDrawing", function () {
    fitExtent();
    document.body.setAttribute("data-map-ready", "true");
  });
})();
