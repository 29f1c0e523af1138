// Readable differences between two versions of an article (or of a
// document, with its own fields), field by field, word by word: what only the first has is struck through (<del>),
// what only the second has is marked (<ins>). Used by the 412 dialog
// (theirs against yours) and the revisions (a revision against the text
// being edited).
"use strict";
(function () {
  var el = window.eportalConsole.el;

  var LABELS = [
    ["title", "Tiêu đề"], ["summary", "Tóm tắt"], ["body", "Nội dung"], ["categories", "Chuyên mục"], ["tags", "Từ khóa"],
    ["author", "Tác giả"], ["source", "Nguồn"], ["cover", "Ảnh đại diện"]
  ];
  // DOCUMENT_LABELS are a document's own fields (editor-document.js), each
  // read from the article's document part.
  var DOCUMENT_LABELS = [
    ["number", "Số ký hiệu"], ["type", "Loại văn bản"], ["issuer", "Cơ quan ban hành"], ["signer", "Người ký"],
    ["issuedOn", "Ngày ban hành"], ["effectiveOn", "Ngày có hiệu lực"], ["expiresOn", "Ngày hết hiệu lực"],
    ["fields", "Lĩnh vực"], ["attachments", "Tệp đính kèm"], ["replaces", "Thay thế"], ["amends", "Sửa đổi, bổ sung"],
    ["related", "Văn bản liên quan"]
  ];

  // documentField is one field of a's document part as comparable text
  // ("" when a is no document). names holds types by "loai:" and id, fields
  // by "linh-vuc:" and id.
  function documentField(a, field, names) {
    var d = a.document;
    if (!d) return "";
    var name = function (prefix, id) { return (names && names[prefix + id]) || id; };
    switch (field) {
      case "type": return d.type ? name("loai:", d.type) : "";
      case "fields": return (d.fields || []).map(function (id) { return name("linh-vuc:", id); }).join(", ");
      case "attachments": return (d.attachments || []).map(function (f) { return f.name || f.id; }).join("\n");
      case "replaces": case "amends": case "related":
        return (d[field] || []).map(function (r) { return (r.number || r.id) + (r.title ? " — " + r.title : ""); }).join("\n");
      default: return d[field] || "";
    }
  }

  // documentText is a's document part as lines of text to read or copy.
  function documentText(a, names) {
    return DOCUMENT_LABELS.map(function (f) { return f[1] + ": " + documentField(a, f[0], names).replace(/\n/g, "; "); }).join("\n");
  }

  // bodyText is the body as text, one line per block, so that a diff reads
  // as the article does rather than as markup.
  function bodyText(html) {
    var t = document.createElement("template");
    t.innerHTML = html || "";
    t.content.querySelectorAll("img").forEach(function (img) { img.replaceWith("[Ảnh: " + (img.getAttribute("alt") || img.getAttribute("src")) + "]"); });
    t.content.querySelectorAll("iframe").forEach(function (f) { f.replaceWith("[Video: " + f.getAttribute("src") + "]"); });
    t.content.querySelectorAll("p, h2, h3, h4, li, tr, figcaption, blockquote, br").forEach(function (b) { b.append("\n"); });
    return t.content.textContent.replace(/[ \t\u00a0]+/g, " ").replace(/\n\s*/g, "\n").trim();
  }

  // text is one field of an article (the API's shape) as comparable text.
  function text(a, field, names) {
    switch (field) {
      case "body": return bodyText(a.body);
      case "categories": return (a.categories || []).map(function (id) { return (names && names[id]) || id; }).join(", ");
      case "tags": return (a.tags || []).join(", ");
      case "cover": return a.coverImage && a.coverImage.url ? a.coverImage.url + (a.coverImage.caption ? " — " + a.coverImage.caption : "") : "";
      default: return a[field] || "";
    }
  }

  // words splits keeping whitespace (newlines included) as tokens.
  function words(s) { return s.split(/(\s+)/).filter(function (w) { return w !== ""; }); }

  // diff returns [op, token] with op "=", "-" (a only) or "+" (b only),
  // from the longest common subsequence; past 2 million cells it compares
  // line by line instead, which is cheaper and still readable.
  function diff(a, b) {
    var x = words(a), y = words(b);
    if (x.length * y.length > 2e6) { x = a.split(/(\n)/); y = b.split(/(\n)/); }
    var n = x.length, m = y.length, i, j;
    var L = [];
    for (i = 0; i <= n; i++) L.push(new Uint32Array(m + 1));
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    }
    var out = [];
    i = 0; j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) { out.push(["=", x[i]]); i++; j++; }
      else if (L[i + 1][j] >= L[i][j + 1]) out.push(["-", x[i++]]);
      else out.push(["+", y[j++]]);
    }
    while (i < n) out.push(["-", x[i++]]);
    while (j < m) out.push(["+", y[j++]]);
    return out;
  }

  // render shows ops with each run of changes as one struck-through part
  // then one marked part: a space between two changed words belongs to the
  // change, so that "đầu tiên" → "thứ hai" reads as two phrases rather than
  // interleaved words.
  function render(ops) {
    var p = el("div", { "class": "diff-text" });
    var del = "", ins = "";
    var flush = function () {
      if (del) p.appendChild(el("del", { text: del }));
      if (del && ins) p.appendChild(document.createTextNode(" "));
      if (ins) p.appendChild(el("ins", { text: ins }));
      del = ins = "";
    };
    ops.forEach(function (o, i) {
      var changedAround = (del || ins) && i + 1 < ops.length && ops[i + 1][0] !== "=";
      if (o[0] === "=" && !(changedAround && /^[ \t\u00a0]+$/.test(o[1]))) {
        flush();
        p.appendChild(document.createTextNode(o[1]));
      } else if (o[0] === "=") {
        del += o[1]; ins += o[1];
      } else if (o[0] === "-") del += o[1];
      else ins += o[1];
    });
    flush();
    return p;
  }

  // table compares articles a and b (the API's shape) field by field and
  // returns the element showing each changed field, or a sentence when
  // nothing differs. aLabel/bLabel name the two sides.
  function table(a, b, aLabel, bLabel, names) {
    var rows = [];
    var row = function (label, x, y) {
      if (x !== y) rows.push(el("tr", {}, [el("th", { scope: "row", text: label }), el("td", {}, [render(diff(x, y))])]));
    };
    var isDocument = !!(a.document || b.document);
    LABELS.forEach(function (f) {
      row(isDocument && f[0] === "title" ? "Trích yếu" : f[1], text(a, f[0], names), text(b, f[0], names));
    });
    DOCUMENT_LABELS.forEach(function (f) { row(f[1], documentField(a, f[0], names), documentField(b, f[0], names)); });
    if (!rows.length) return el("p", { text: "Hai bản giống nhau ở mọi trường." });
    return el("div", { "class": "diff" }, [
      el("p", { "class": "legend" }, [
        el("del", { text: "Gạch ngang" }), document.createTextNode(": chỉ có trong " + aLabel + "; "),
        el("ins", { text: "tô màu" }), document.createTextNode(": chỉ có trong " + bLabel + ".")
      ]),
      el("table", {}, [
        el("caption", { text: "Khác nhau giữa " + aLabel + " và " + bLabel }),
        el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: "Trường" }), el("th", { scope: "col", text: "Thay đổi" })])]),
        el("tbody", {}, rows)
      ])
    ]);
  }

  window.eportalDiff = { table: table, diff: diff, bodyText: bodyText, documentText: documentText };
})();
