// The article body's rich-text editor: Squire (vendor/squire-rte-2.4.8,
// MIT) with a toolbar of real buttons, every piece of HTML going through
// the allow-list of editor-clean.js; images from the media library
// (media.js's picker); and the small dialog the editor's pages use to ask for a link,
// a reason or a time. Used by editor.js.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el;

  // ask shows a modal <dialog> with fields [{name, label, type, value,
  // required, accept}] and resolves to their values, or null when it is
  // cancelled. Esc cancels, as the browser does for any modal dialog.
  function ask(title, fields, okLabel) {
    return new Promise(function (resolve) {
      var inputs = {};
      var rows = fields.map(function (f) {
        var id = "hoi-" + f.name;
        var input = el(f.type === "textarea" ? "textarea" : "input", { id: id, name: f.name });
        if (f.type !== "textarea") input.type = f.type || "text";
        if (f.value) input.value = f.value;
        if (f.required) input.required = true;
        if (f.accept) input.accept = f.accept;
        inputs[f.name] = input;
        return el("p", { "class": "field" }, [el("label", { "for": id, text: f.label }), input]);
      });
      var ok = el("button", { type: "submit", "class": "primary", text: okLabel || "Đồng ý" });
      var cancel = el("button", { type: "button", text: "Hủy" });
      var form = el("form", { method: "dialog" }, rows.concat([el("p", { "class": "actions" }, [ok, cancel])]));
      var heading = el("h2", { id: "hoi-tieu-de", text: title });
      var d = el("dialog", { "aria-labelledby": "hoi-tieu-de", "class": "ask" }, [heading, form]);
      var answer = null;
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        answer = {};
        Object.keys(inputs).forEach(function (k) {
          answer[k] = inputs[k].type === "file" ? inputs[k].files[0] : inputs[k].value;
        });
        d.close();
      });
      cancel.addEventListener("click", function () { d.close(); });
      d.addEventListener("close", function () { d.remove(); resolve(answer); });
      document.body.appendChild(d);
      d.showModal();
    });
  }

  // pickImage is the media library's picker (media.js): an image picked
  // or uploaded there, ready, or null.
  function pickImage(title) {
    if (!C.pickImage) return Promise.reject(new Error("Thư viện ảnh chưa sẵn sàng."));
    return C.pickImage({ title: title });
  }

  // imageURL is the image's widest variant up to 1280 px.
  function imageURL(item) {
    var best = item.url;
    (item.variants || []).forEach(function (v) { if (v.width <= 1280) best = v.url; });
    return best;
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  // youTubeEmbed turns a watch, short or embed link into the embed URL the
  // sanitizer keeps, or "".
  function youTubeEmbed(link) {
    var m = /^https?:\/\/(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com\/(?:watch\?(?:.*&)?v=|embed\/|shorts\/)|youtu\.be\/)([A-Za-z0-9_-]{6,20})/.exec((link || "").trim());
    return m ? "https://www.youtube-nocookie.com/embed/" + m[1] : "";
  }

  // setBlock makes the selection's blocks tag (P, H2, H3, H4).
  function setBlock(editor, tag) {
    editor.modifyBlocks(function (frag) {
      Array.prototype.slice.call(frag.childNodes).forEach(function (b) {
        if (!/^(P|DIV|H[1-6])$/.test(b.nodeName)) return;
        var n = document.createElement(tag);
        while (b.firstChild) n.appendChild(b.firstChild);
        frag.replaceChild(n, b);
      });
      return frag;
    });
  }

  // create makes the body editor in a labelled box: it returns
  // {node, editor, getHTML(), setHTML(html), onChange(fn)}. status(text,
  // isError) reports what the toolbar's dialogs did.
  function create(labelID, status) {
    var area = el("div", { "class": "rte", role: "textbox", "aria-multiline": "true", "aria-labelledby": labelID, id: "noi-dung-bai" });
    var editor = new window.Squire(area, {
      blockTag: "P",
      sanitizeToDOMFragment: function (html) { return window.eportalClean(html); }
    });
    editor.linkRegExp = /[]/; // a typed address stays text until made a link
    var buttons = [];
    function button(label, text, action, pressed) {
      var b = el("button", { type: "button", "aria-label": label, title: label, text: text });
      if (pressed) b.setAttribute("aria-pressed", "false");
      // Squire keeps the selection it last saw in the body (it follows
      // selectionchange) and restores it when the body is focused again.
      b.addEventListener("click", function () { action(); editor.focus(); });
      buttons.push({ node: b, pressed: pressed });
      return b;
    }
    // at is the body's selection when a tool that asks first was pressed:
    // what the tool applies to once answered, whatever the selection
    // became while its dialog was open and closing.
    function at() {
      var r = editor.getSelection();
      return function () { if (r) editor.setSelection(r); };
    }
    async function insertImage() {
      var back = at();
      try {
        var item = await pickImage("Chèn ảnh vào bài");
        if (!item) return;
        var a = await ask("Ảnh trong bài", [
          { name: "alt", label: "Mô tả ảnh (cho người không xem được ảnh)", required: true, value: (item.fileName || "").replace(/\.[a-z]+$/i, "") },
          { name: "caption", label: "Chú thích dưới ảnh" }
        ], "Chèn ảnh");
        if (!a) return;
        back();
        editor.insertHTML('<figure><img src="' + escapeHTML(imageURL(item)) + '" alt="' + escapeHTML(a.alt) + '">' +
          (a.caption ? "<figcaption>" + escapeHTML(a.caption) + "</figcaption>" : "") + "</figure><p><br></p>");
        status("Đã chèn ảnh.");
      } catch (e) {
        status(e.message, true);
      }
    }
    async function insertLink() {
      var back = at();
      var a = await ask("Chèn liên kết", [{ name: "href", label: "Địa chỉ (https://…)", type: "url", required: true }], "Chèn");
      if (!a) return;
      if (!/^(https?:\/\/|mailto:)/i.test(a.href)) return status("Liên kết phải bắt đầu bằng http://, https:// hoặc mailto:.", true);
      back();
      if (editor.getSelectedText()) editor.makeLink(a.href);
      else editor.insertHTML('<a href="' + escapeHTML(a.href) + '">' + escapeHTML(a.href) + "</a>");
    }
    async function insertVideo() {
      var back = at();
      var a = await ask("Chèn video YouTube", [{ name: "link", label: "Liên kết YouTube", type: "url", required: true }], "Chèn");
      if (!a) return;
      var src = youTubeEmbed(a.link);
      if (!src) return status("Đây không phải liên kết video YouTube.", true);
      back();
      editor.insertHTML('<iframe src="' + src + '" title="Video YouTube" allowfullscreen></iframe><p><br></p>');
    }
    var bar = el("div", { role: "toolbar", "aria-label": "Định dạng nội dung", "aria-controls": "noi-dung-bai", "class": "toolbar" }, [
      button("Đoạn văn", "¶", function () { setBlock(editor, "P"); }),
      button("H2: tiêu đề mục", "H2", function () { setBlock(editor, "H2"); }),
      button("H3: tiêu đề nhỏ", "H3", function () { setBlock(editor, "H3"); }),
      button("H4: tiêu đề nhỏ hơn", "H4", function () { setBlock(editor, "H4"); }),
      button("Chữ đậm", "Đậm", function () { if (editor.hasFormat("B")) editor.removeBold(); else editor.bold(); }, "B"),
      button("Chữ nghiêng", "Nghiêng", function () { if (editor.hasFormat("I")) editor.removeItalic(); else editor.italic(); }, "I"),
      button("Danh sách dấu chấm", "• Danh sách", function () { if (editor.hasFormat("UL")) editor.removeList(); else editor.makeUnorderedList(); }, "UL"),
      button("Danh sách số", "Danh sách số", function () { if (editor.hasFormat("OL")) editor.removeList(); else editor.makeOrderedList(); }, "OL"),
      button("Trích dẫn", "Trích dẫn", function () { if (editor.hasFormat("BLOCKQUOTE")) editor.decreaseQuoteLevel(); else editor.increaseQuoteLevel(); }, "BLOCKQUOTE"),
      button("Chèn liên kết", "Liên kết", insertLink),
      button("Bỏ liên kết", "Bỏ liên kết", function () { editor.removeLink(); }),
      button("Chèn ảnh", "Ảnh", insertImage),
      button("Chèn bảng", "Bảng", function () {
        editor.insertHTML("<table><thead><tr><th>Cột 1</th><th>Cột 2</th></tr></thead><tbody><tr><td>&nbsp;</td><td>&nbsp;</td></tr></tbody></table><p><br></p>");
      }),
      button("Chèn video YouTube", "Video", insertVideo),
      button("Hoàn tác", "↶", function () { editor.undo(); }),
      button("Làm lại", "↷", function () { editor.redo(); })
    ]);
    editor.addEventListener("pathChange", function () {
      buttons.forEach(function (b) { if (b.pressed) b.node.setAttribute("aria-pressed", String(editor.hasFormat(b.pressed))); });
    });
    var listeners = [];
    editor.addEventListener("input", function () { listeners.forEach(function (fn) { fn(); }); });
    return {
      node: el("div", { "class": "rte-box" }, [bar, area]),
      editor: editor,
      // getHTML is the body as saved: through the allow-list once more (a
      // figure's wrapping block goes), Squire's trailing empty blocks dropped.
      getHTML: function () {
        return window.eportalCleanHTML(editor.getHTML()).replace(/(<(p|div)><br><\/\2>\s*)+$/, "");
      },
      setHTML: function (html) { editor.setHTML(html || ""); },
      onChange: function (fn) { listeners.push(fn); }
    };
  }

  window.eportalBody = { create: create, ask: ask, pickImage: pickImage, imageURL: imageURL, youTubeEmbed: youTubeEmbed };
})();
