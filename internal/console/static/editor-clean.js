// The body editor's allow-list: every piece of HTML that enters the editor
// (an article loaded, a paste from Word or Google Docs, an inserted image)
// is rebuilt from what internal/sanitize/html.go keeps — headings h2–h4,
// paragraphs, bold/italic, lists, links, images and figures with captions,
// tables, blockquotes, YouTube iframes — without any style, class, id or
// font. Squire (vendor/) calls it as its sanitizeToDOMFragment.
"use strict";
(function () {
  // Elements kept, with the attributes each may carry.
  var KEEP = {
    P: [], BR: [], HR: [], H2: [], H3: [], H4: [], B: [], STRONG: [], I: [], EM: [], U: [], S: [], SUB: [], SUP: [],
    BLOCKQUOTE: [], PRE: [], CODE: [], UL: [], OL: ["start"], LI: [], FIGURE: [], FIGCAPTION: [],
    TABLE: [], THEAD: [], TBODY: [], TFOOT: [], TR: [], TH: ["colspan", "rowspan"], TD: ["colspan", "rowspan"], CAPTION: [],
    A: ["href", "title"], IMG: ["src", "alt", "title", "width", "height"], IFRAME: ["src", "title", "allowfullscreen"]
  };
  // Elements renamed: a title is the article's h1, so headings start at h2.
  var RENAME = { H1: "H2", H5: "H4", H6: "H4" };
  // Elements dropped with everything in them.
  var DROP = {
    SCRIPT: 1, STYLE: 1, META: 1, LINK: 1, TITLE: 1, HEAD: 1, TEMPLATE: 1, OBJECT: 1, EMBED: 1, SVG: 1, MATH: 1,
    NOSCRIPT: 1, BUTTON: 1, INPUT: 1, SELECT: 1, TEXTAREA: 1, FORM: 1, CANVAS: 1, VIDEO: 1, AUDIO: 1, XML: 1
  };
  // Block elements: a div holding none of them is a paragraph.
  var BLOCKS = /^(P|DIV|H[1-6]|UL|OL|LI|TABLE|BLOCKQUOTE|FIGURE|PRE|HR|SECTION|ARTICLE)$/;
  var YOUTUBE = /^https:\/\/www\.(youtube|youtube-nocookie)\.com\/embed\/[A-Za-z0-9_-]+(\?[A-Za-z0-9_=&;.%-]*)?$/;
  var DIGITS = /^[0-9]{1,4}$/;

  function safeURL(v, forImage) {
    v = (v || "").trim();
    if (/^https?:\/\//i.test(v)) return v;
    if (!forImage && /^mailto:/i.test(v)) return v;
    // The media library's own images, as portal.MediaPathPattern has them.
    if (forImage && /^(?:\/[a-z0-9-]+)*\/media\/[a-z2-7]{16}\/(320|768|1280)$/.test(v)) return v;
    return "";
  }

  function attrOK(tag, name, value) {
    if (name === "colspan" || name === "rowspan" || name === "start" || name === "width" || name === "height") return DIGITS.test(value);
    if (tag === "A" && name === "href") return safeURL(value, false) !== "";
    if (tag === "IMG" && name === "src") return safeURL(value, true) !== "";
    if (tag === "IFRAME" && name === "src") return YOUTUBE.test(value);
    if (name === "allowfullscreen") return true;
    return true;
  }

  // wordLists turns Word's list paragraphs (<p style="mso-list:l0 level1
  // lfo1">, their bullet in a span marked mso-list:Ignore) into real lists
  // before cleaning: Word does not paste <ul>.
  function wordLists(root) {
    root.querySelectorAll('[style*="mso-list:Ignore"], [style*="mso-list: Ignore"]').forEach(function (n) { n.remove(); });
    var items = Array.prototype.slice.call(root.querySelectorAll('p[style*="mso-list"]'));
    items.forEach(function (p) {
      var prev = p.previousElementSibling;
      var list = prev && prev.dataset && prev.dataset.wordList ? prev : null;
      if (!list) {
        list = document.createElement(/Number|[0-9]\./.test(p.textContent.slice(0, 4)) ? "ol" : "ul");
        list.dataset.wordList = "1";
        p.parentNode.insertBefore(list, p);
      }
      var li = document.createElement("li");
      while (p.firstChild) li.appendChild(p.firstChild);
      list.appendChild(li);
      p.remove();
    });
  }

  function hasBlock(node) {
    for (var c = node.firstElementChild; c; c = c.nextElementSibling) {
      if (BLOCKS.test(c.tagName)) return true;
    }
    return false;
  }

  // copy appends to out the clean copy of node's children.
  function copyChildren(node, out) {
    for (var c = node.firstChild; c; c = c.nextSibling) copy(c, out);
  }

  function copy(node, out) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.appendChild(document.createTextNode(node.data));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return; // comments, Word's conditional ones too
    var tag = node.tagName.toUpperCase();
    if (DROP[tag]) return;
    // Google Docs wraps a whole paste in <b style="font-weight:normal">.
    if (tag === "B" && /(^|;)\s*font-weight:\s*(normal|400)\b/.test(node.getAttribute("style") || "")) {
      copyChildren(node, out);
      return;
    }
    if (tag === "DIV" && !hasBlock(node) && node.textContent.trim() !== "") tag = "P";
    tag = RENAME[tag] || tag;
    var allowed = KEEP[tag];
    if (!allowed) { // span, font, div, section, o:p…: their content only
      copyChildren(node, out);
      return;
    }
    var e = document.createElement(tag);
    allowed.forEach(function (name) {
      var v = node.getAttribute(name);
      if (v !== null && attrOK(tag, name, v)) e.setAttribute(name, v);
    });
    if (tag === "A" && !e.hasAttribute("href") || tag === "IMG" && !e.hasAttribute("src") || tag === "IFRAME" && !e.hasAttribute("src")) {
      if (tag === "A") copyChildren(node, out);
      return;
    }
    if (tag === "FIGURE") copyFigure(node, e);
    else if (tag !== "IFRAME") copyChildren(node, e);
    out.appendChild(e);
  }

  // copyFigure keeps a figure as the sanitizer and the reader site expect
  // it, <figure><img><figcaption>: the block an editor wraps an image in
  // (Squire puts it in a <div> with a <br>) is left out.
  function copyFigure(node, e) {
    for (var c = node.firstChild; c; c = c.nextSibling) {
      var t = c.nodeType === Node.ELEMENT_NODE ? c.tagName.toUpperCase() : "";
      if ((t === "DIV" || t === "P") && c.querySelector("img, iframe") && c.textContent.trim() === "") {
        c.querySelectorAll("img, iframe").forEach(function (m) { copy(m, e); });
      } else if (t !== "BR") {
        copy(c, e);
      }
    }
  }

  // clean returns a fragment of document holding html's allowed part.
  function clean(html) {
    var t = document.createElement("template"); // inert: nothing loads or runs
    t.innerHTML = html;
    wordLists(t.content);
    var out = document.createDocumentFragment();
    copyChildren(t.content, out);
    return out;
  }

  // cleanHTML is clean's result as HTML.
  function cleanHTML(html) {
    var box = document.createElement("div");
    box.appendChild(clean(html));
    return box.innerHTML;
  }

  window.eportalClean = clean;
  window.eportalCleanHTML = cleanHTML;
})();
