// The article editor: /quan-tri/bai-viet/moi (a new article),
// /quan-tri/van-ban/moi (a new legal document, an article of kind
// "document": editor-document.js holds its part of the form) and
// /quan-tri/bai-viet/<id> for either. Saves with If-Match (a 412 opens a
// dialog to reload or compare; nothing typed is lost), keeps what is being
// typed in localStorage until it is saved, and warns before leaving unsaved
// work. The workflow buttons, revisions and preview are editor-flow.js's.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el, notice = C.notice, root = C.root;
  var Body = window.eportalBody, Diff = window.eportalDiff, Doc = window.eportalDocument;
  var DRAFT = "eportal.console.draft.";
  var NEW = "moi";
  // NEW_DOCUMENT is the page of a new document, and the suffix of its
  // local draft's key (an article's is its id, or NEW).
  var NEW_DOCUMENT = "van-ban/moi";
  // leaving is the check beforeunload runs: whether the page shown has
  // unsaved work.
  var unsaved = function () { return false; };
  window.addEventListener("beforeunload", function (e) {
    if (unsaved()) { e.preventDefault(); e.returnValue = ""; }
  });

  // VN is Vietnam's offset from UTC: fixed, Vietnam has had no daylight
  // saving time since 1975.
  var VN = 7 * 3600 * 1000;
  // toLocalInput is an RFC 3339 time as a datetime-local value in Vietnam
  // time; fromLocalInput the reverse, in UTC RFC 3339 ("" for "").
  function toLocalInput(iso) {
    return iso ? new Date(new Date(iso).getTime() + VN).toISOString().slice(0, 16) : "";
  }
  function fromLocalInput(v) {
    if (!v) return "";
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
    if (!m) return null;
    return new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) - VN).toISOString().replace(".000Z", "Z");
  }

  // categoryTree reads the category tree as stored (GET /admin/categories,
  // never cached: a category added a minute ago is offered): [{id, name,
  // depth}] in order, and names by id.
  async function categoryTree() {
    var r = await C.request("/admin/categories");
    if (!r.ok) throw new Error("Không đọc được danh sách chuyên mục (" + r.status + ").");
    var list = [], names = {};
    var walk = function (items, depth) {
      (items || []).forEach(function (c) { list.push({ id: c.id, name: c.name, depth: depth }); names[c.id] = c.name; walk(c.children, depth + 1); });
    };
    walk(r.body.items, 0);
    return { list: list, names: names };
  }

  function field(id, label, input, hint) {
    input.id = id;
    var parts = [el("label", { "for": id, text: label }), input];
    if (hint) {
      input.setAttribute("aria-describedby", id + "-goi-y");
      parts.push(el("span", { "class": "hint", id: id + "-goi-y", text: hint }));
    }
    return el("p", { "class": "field" }, parts);
  }

  // fieldsOf is the editable part of an article (the API's shape) as the
  // request body of PUT /admin/articles/{id} takes it; a document's part
  // keeps its attachments and links as objects (Doc.input makes them ids).
  function fieldsOf(a, isDocument) {
    var f = {
      title: a.title || "", summary: a.summary || "", body: a.body || "", categories: (a.categories || []).slice(),
      tags: (a.tags || []).slice(), author: a.author || "", source: a.source || "",
      coverImage: a.coverImage && a.coverImage.url ? { url: a.coverImage.url, caption: a.coverImage.caption || "" } : null
    };
    if (isDocument) {
      f.kind = "document";
      f.document = Doc.of(a.document);
    }
    return f;
  }
  // requestBody is the body POST and PUT /admin/articles take for fields f.
  function requestBody(f) {
    return f.document ? Object.assign({}, f, { document: Doc.input(f.document) }) : f;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function readDraft(key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
  }

  async function renderEditor(r, u) {
    var current = C.current();
    var newDocument = r.page === NEW_DOCUMENT;
    var id = newDocument ? NEW : r.page.slice("bai-viet/".length);
    var isNew = id === NEW;
    var h1 = el("h1", { text: newDocument ? "Văn bản mới" : isNew ? "Viết bài mới" : "Sửa bài viết" });
    C.show([h1, notice("Đang tải…")]);
    var tree, lists = null, res = null;
    try {
      tree = await categoryTree();
      if (!isNew) {
        res = await C.request("/admin/articles/" + encodeURIComponent(id));
        if (!res.ok) throw new Error(res.status === 404 ? "Không có bài viết này." : C.errorText(res));
      }
      if (newDocument || res && res.body.kind === "document") lists = await Doc.types();
    } catch (e) {
      if (current()) C.show([h1, notice(e.message, true), el("p", {}, [el("a", { href: root, text: "Về bàn biên tập" })])]);
      return;
    }
    if (!current()) return;
    // A document is edited in the same form, with its own part and without
    // what only news has (categories, cover image, author, source); its
    // title is the trích yếu.
    var isDocument = !!lists;
    var noun = isDocument ? "văn bản" : "bài viết";
    // names are what the comparisons show for ids: categories by id, a
    // document's types and fields by "loai:" and "linh-vuc:" and id.
    var names = Object.assign({}, tree.names);
    if (lists) {
      lists.types.forEach(function (t) { names["loai:" + t.id] = t.name; });
      lists.fields.forEach(function (f) { names["linh-vuc:" + f.id] = f.name; });
    }
    if (isDocument && !isNew) h1.textContent = "Sửa văn bản";
    var state = {
      id: isNew ? "" : id, article: res ? res.body : { status: "draft" }, etag: res ? res.headers.get("ETag") : "",
      idempotencyKey: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()
    };
    var newKey = DRAFT + (newDocument ? NEW_DOCUMENT : NEW);
    var draftKey = isNew ? newKey : DRAFT + id;
    var status = el("div", { "class": "status-line", role: "status", "aria-live": "polite" });
    var say = function (text, isError) { status.replaceChildren(notice(text, isError)); };

    // ---------------------------------------------------------- the form
    var title = el("input", { type: "text", maxlength: "300", required: "" });
    var summary = el("textarea", { rows: "3", maxlength: "2000" });
    var tags = el("input", { type: "text" });
    var author = el("input", { type: "text", maxlength: "300" });
    var source = el("input", { type: "text", maxlength: "300" });
    var coverURL = el("input", { type: "url", placeholder: "https://… hoặc chọn từ thư viện" });
    var coverCaption = el("input", { type: "text", maxlength: "300" });
    var coverPreview = el("img", { alt: "", "class": "cover-preview", hidden: "" });
    var bodyLabel = el("span", { id: "nhan-noi-dung", "class": "label", text: "Nội dung" });
    var body = Body.create("nhan-noi-dung", say);
    var cats = tree.list.map(function (c) {
      var box = el("input", { type: "checkbox", value: c.id, id: "cm-" + c.id });
      return { box: box, node: el("li", { "class": "depth-" + Math.min(c.depth, 3) }, [box, el("label", { "for": "cm-" + c.id, text: c.name })]) };
    });
    var catBox = el("fieldset", { "class": "categories" }, [el("legend", { text: "Chuyên mục" }), el("ul", {}, cats.map(function (c) { return c.node; }))]);
    var coverUpload = el("button", { type: "button", text: "Chọn hoặc tải ảnh lên…" });
    var coverClear = el("button", { type: "button", text: "Bỏ ảnh đại diện" });
    var coverBox = el("fieldset", { "class": "cover" }, [
      el("legend", { text: "Ảnh đại diện" }),
      field("anh-dai-dien", "Địa chỉ ảnh", coverURL), coverPreview,
      el("p", { "class": "actions" }, [coverUpload, coverClear]),
      field("chu-thich-anh", "Chú thích ảnh", coverCaption)
    ]);
    var doc = isDocument ? Doc.create({ lists: lists, say: say, changed: function () { keepDraft(); }, self: function () { return state.id; } }) : null;

    function fields() {
      if (isDocument) {
        return {
          title: title.value, summary: summary.value, body: body.getHTML(), categories: [],
          tags: tags.value.split(",").map(function (t) { return t.trim(); }).filter(Boolean),
          author: "", source: "", coverImage: null, kind: "document", document: doc.get()
        };
      }
      var cover = coverURL.value.trim();
      return {
        title: title.value, summary: summary.value, body: body.getHTML(),
        categories: cats.filter(function (c) { return c.box.checked; }).map(function (c) { return c.box.value; }),
        tags: tags.value.split(",").map(function (t) { return t.trim(); }).filter(Boolean),
        author: author.value, source: source.value,
        coverImage: cover ? { url: cover, caption: coverCaption.value } : null
      };
    }
    function fill(f) {
      title.value = f.title; summary.value = f.summary; body.setHTML(f.body); tags.value = f.tags.join(", ");
      author.value = f.author; source.value = f.source;
      coverURL.value = f.coverImage ? f.coverImage.url : ""; coverCaption.value = f.coverImage ? f.coverImage.caption : "";
      cats.forEach(function (c) { c.box.checked = f.categories.indexOf(c.box.value) >= 0; });
      if (doc) doc.set(f.document);
      showCover();
    }
    function showCover() {
      var u = coverURL.value.trim();
      coverPreview.hidden = !u;
      if (u) coverPreview.src = u;
    }
    // saved is what the server has (or, after a save, what was sent): the
    // form differs from it when there is unsaved work.
    var saved = fieldsOf(state.article, isDocument);
    fill(saved);
    saved = fields(); // as the form reads it back (Squire normalises the body)
    var dirty = function () { return current() && !same(fields(), saved); };

    // ---------------------------------------------------------- local draft
    var draftTimer = 0;
    function keepDraft() {
      clearTimeout(draftTimer);
      draftTimer = setTimeout(function () {
        if (!current()) return;
        var f = fields();
        if (same(f, saved)) localStorage.removeItem(draftKey);
        else localStorage.setItem(draftKey, JSON.stringify({ fields: f, sub: u.sub, at: new Date().toISOString(), version: state.article.version || 0 }));
      }, 300);
    }
    [title, summary, tags, author, source, coverURL, coverCaption].forEach(function (i) { i.addEventListener("input", keepDraft); });
    cats.forEach(function (c) { c.box.addEventListener("change", keepDraft); });
    coverURL.addEventListener("change", showCover);
    body.onChange(keepDraft);

    var restoreBox = el("div", { "class": "restore" });
    var draft = readDraft(draftKey);
    // Only its author is offered a draft: another user of this machine
    // neither sees nor restores it (sign-out clears them all).
    if (draft && draft.fields && draft.sub === u.sub && !same(draft.fields, saved)) {
      var restore = el("button", { type: "button", "class": "primary", text: "Khôi phục bản đang soạn" });
      var discard = el("button", { type: "button", text: "Bỏ bản đang soạn" });
      restore.addEventListener("click", function () {
        fill(draft.fields);
        restoreBox.replaceChildren(notice("Đã khôi phục bản đang soạn. Nhớ bấm “Lưu”."));
        title.focus();
      });
      discard.addEventListener("click", function () {
        localStorage.removeItem(draftKey);
        restoreBox.replaceChildren();
      });
      restoreBox.append(el("div", { "class": "notice", role: "region", "aria-label": "Bản đang soạn chưa lưu" }, [
        el("p", { text: "Có bản đang soạn chưa lưu trên máy này (lúc " + C.vnTime(draft.at) + ")" +
          (draft.version && state.article.version && draft.version !== state.article.version ? ", soạn trên phiên bản " + draft.version + "; bài hiện ở phiên bản " + state.article.version : "") + "." }),
        el("p", { "class": "actions" }, [restore, discard])
      ]));
    }

    // ---------------------------------------------------------- cover image
    coverUpload.addEventListener("click", async function () {
      try {
        var item = await Body.pickImage("Chọn ảnh đại diện");
        if (!item) return;
        coverURL.value = Body.imageURL(item);
        showCover();
        keepDraft();
        say("Đã chọn ảnh đại diện.");
        coverCaption.focus();
      } catch (e) { say(e.message, true); }
    });
    coverClear.addEventListener("click", function () { coverURL.value = ""; coverCaption.value = ""; showCover(); keepDraft(); });

    // ---------------------------------------------------------- save
    var saveButton = el("button", { type: "submit", form: "bai-viet", id: "luu", "class": "primary", text: "Lưu" });
    var mineBox = el("div", { "class": "mine" });

    // saveNow saves the form; it resolves to true when the server has it.
    async function saveNow() {
      var f = fields();
      if (!f.title.trim()) {
        say(isDocument ? "Hãy nhập trích yếu trước khi lưu." : "Hãy nhập tiêu đề trước khi lưu.", true);
        title.focus();
        return false;
      }
      var gap = doc && doc.missing();
      if (gap) {
        say(gap, true);
        return false;
      }
      saveButton.disabled = true;
      say("Đang lưu…");
      try {
        var res = state.id
          ? await C.request("/admin/articles/" + encodeURIComponent(state.id), { method: "PUT", body: requestBody(f), headers: { "If-Match": state.etag } })
          : await C.request("/admin/articles", { method: "POST", body: requestBody(f), headers: { "Idempotency-Key": state.idempotencyKey } });
        if (!current()) return false;
        if (res.status === 412) {
          say("Chưa lưu: " + noun + " đã được người khác sửa.", true);
          conflict(f);
          return false;
        }
        if (!res.ok) {
          // What the API refused of a document is said in Vietnamese
          // first, its control marked; what was typed stays in the form.
          var why = doc && doc.refusal(res);
          say("Chưa lưu. " + (why ? why + " (" + C.errorText(res) + ")" : C.errorText(res)), true);
          return false;
        }
        accept(res, f);
        localStorage.removeItem(draftKey);
        if (isNew) localStorage.removeItem(newKey); // the new article's draft is this one's
        say("Đã lưu lúc " + C.vnTime(new Date().toISOString()) + " (phiên bản " + state.article.version + ").");
        return true;
      } catch (e) {
        say("Chưa lưu: không gọi được máy chủ (" + e.message + "). Bản đang soạn vẫn được giữ trên máy này.", true);
        return false;
      } finally {
        saveButton.disabled = false;
      }
    }

    // accept takes a 2xx answer carrying the article: f is what the form
    // held when it was sent (the server's cleaning may differ in markup).
    function accept(res, f) {
      var wasNew = !state.id;
      state.article = res.body;
      state.etag = res.headers.get("ETag") || '"' + res.body.version + '"';
      state.id = res.body.id;
      saved = f || fieldsOf(res.body, isDocument);
      if (wasNew) {
        draftKey = DRAFT + state.id;
        history.replaceState(null, "", root + "bai-viet/" + encodeURIComponent(state.id));
        h1.textContent = isDocument ? "Sửa văn bản" : "Sửa bài viết";
      }
      flow.update();
    }

    // conflict opens the 412 dialog: mine are the fields that were not saved.
    function conflict(mine) {
      var compare = el("button", { type: "button", text: "So sánh" });
      var reload = el("button", { type: "button", "class": "primary", text: "Tải lại bản mới" });
      var close = el("button", { type: "button", text: "Đóng, tiếp tục sửa" });
      var out = el("div", { "class": "compare" });
      var d = el("dialog", { "class": "conflict", "aria-labelledby": "xung-dot-tieu-de" }, [
        el("h2", { id: "xung-dot-tieu-de", text: (isDocument ? "Văn bản" : "Bài viết") + " đã được người khác sửa" }),
        el("p", { text: "Từ khi bạn mở " + (isDocument ? "văn bản" : "bài") + " này, một người khác đã lưu phiên bản mới hơn. Bản của bạn chưa được lưu và không bị mất: " +
          "“So sánh” cho thấy hai bản khác nhau ở đâu; “Tải lại bản mới” đưa bản mới vào ô soạn và giữ bản của bạn bên dưới để sao chép." }),
        el("p", { "class": "actions" }, [reload, compare, close]), out
      ]);
      async function latest() {
        var res = await C.request("/admin/articles/" + encodeURIComponent(state.id));
        if (!res.ok) throw new Error(C.errorText(res));
        return res;
      }
      compare.addEventListener("click", async function () {
        out.replaceChildren(notice("Đang tải bản mới…"));
        try {
          var res = await latest();
          out.replaceChildren(el("p", { text: "Bản mới: phiên bản " + res.body.version + ", lưu lúc " + C.vnTime(res.body.updatedAt) + (res.body.updatedBy ? " bởi " + res.body.updatedBy : "") + "." }),
            Diff.table(res.body, mine, "bản mới trên máy chủ", "bản của bạn", names));
        } catch (e) { out.replaceChildren(notice(e.message, true)); }
      });
      reload.addEventListener("click", async function () {
        try {
          var res = await latest();
          keepMine(mine);
          accept(res, null);
          fill(saved);
          saved = fields();
          d.close();
          say("Đã tải bản mới (phiên bản " + state.article.version + "). Bản của bạn ở khung “Bản của bạn chưa lưu” bên dưới.");
        } catch (e) { out.replaceChildren(notice(e.message, true)); }
      });
      close.addEventListener("click", function () { d.close(); });
      d.addEventListener("close", function () { d.remove(); });
      document.body.appendChild(d);
      d.showModal();
    }

    // keepMine shows the unsaved fields as text to copy from, and keeps
    // them in this article's local draft.
    function keepMine(mine) {
      localStorage.setItem(draftKey, JSON.stringify({ fields: mine, sub: u.sub, at: new Date().toISOString(), version: state.article.version || 0 }));
      var text = (isDocument ? "Trích yếu: " : "Tiêu đề: ") + mine.title + "\n\nTóm tắt: " + mine.summary + "\n\nNội dung (HTML):\n" + mine.body +
        "\n\nTừ khóa: " + mine.tags.join(", ") + (isDocument ? "\n" + Diff.documentText(mine, names) : "\nTác giả: " + mine.author + "\nNguồn: " + mine.source);
      var area = el("textarea", { id: "ban-cua-ban", rows: "10", readonly: "" });
      area.value = text;
      var restoreMine = el("button", { type: "button", text: "Dùng lại bản của tôi" });
      restoreMine.addEventListener("click", function () {
        fill(mine);
        keepDraft();
        say("Đã đưa bản của bạn vào ô soạn, trên phiên bản mới nhất. Bấm “Lưu” để lưu nó.");
      });
      mineBox.replaceChildren(el("section", { "class": "notice", "aria-labelledby": "ban-cua-ban-tieu-de" }, [
        el("h2", { id: "ban-cua-ban-tieu-de", text: "Bản của bạn chưa lưu" }),
        el("label", { "for": "ban-cua-ban", text: "Nội dung bản của bạn (chỉ đọc, để sao chép)" }), area,
        el("p", { "class": "actions" }, [restoreMine])
      ]));
    }

    var formNode = el("form", { "class": "editor", id: "bai-viet", novalidate: "" }, isDocument ? [
      field("tieu-de", "Trích yếu", title, "Như “Về việc …”: tên của văn bản trong danh sách và khi tìm kiếm."),
      doc.node,
      field("tom-tat", "Tóm tắt", summary),
      el("div", { "class": "field" }, [bodyLabel, body.node]),
      field("tu-khoa", "Từ khóa", tags, "Cách nhau bằng dấu phẩy.")
    ] : [
      field("tieu-de", "Tiêu đề", title),
      field("tom-tat", "Tóm tắt", summary),
      el("div", { "class": "field" }, [bodyLabel, body.node]),
      el("div", { "class": "columns" }, [
        el("div", {}, [catBox]),
        el("div", {}, [
          field("tu-khoa", "Từ khóa", tags, "Cách nhau bằng dấu phẩy."),
          field("tac-gia", "Tác giả", author),
          field("nguon", "Nguồn", source),
          coverBox
        ])
      ])
    ]);
    if (isDocument) bodyLabel.textContent = "Toàn văn (không bắt buộc)";
    formNode.addEventListener("submit", function (e) { e.preventDefault(); saveNow(); });
    // Ctrl+S saves rather than saving the page to a file.
    formNode.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); saveNow(); }
    });

    var flow = window.eportalFlow.create({
      user: u, state: state, say: say, save: saveNow, saveButton: saveButton, dirty: dirty, fields: fields, names: names,
      // The preview renders the page readers will get: an article's, or
      // for a document its /van-ban/ page (internal/site/preview.go).
      noun: noun, body: function () { return requestBody(fields()); },
      accept: function (res) { accept(res, null); fill(saved); saved = fields(); },
      toLocalInput: toLocalInput, fromLocalInput: fromLocalInput, current: current
    });

    unsaved = dirty;
    C.beforeLeave = function () {
      if (!dirty()) return true;
      if (!window.confirm((isDocument ? "Văn bản" : "Bài viết") + " có thay đổi chưa lưu (vẫn được giữ trên máy này). Vẫn rời trang?")) return false;
      C.beforeLeave = null;
      return true;
    };
    C.show([
      el("p", { "class": "crumbs" }, [el("a", { href: root + "?trang-thai=" + (flow.statusSlug() || "nhap"), text: "← Bàn biên tập" })]),
      h1, restoreBox, status, flow.node, formNode, mineBox, flow.panels
    ]);
    flow.update();
  }

  C.register({
    section: "Bài viết",
    role: "editor",
    nav: function (r) {
      return [
        { href: root + "bai-viet/" + NEW, label: "Viết bài mới", current: r.page === "bai-viet/" + NEW },
        { href: root + NEW_DOCUMENT, label: "Văn bản mới", current: r.page === NEW_DOCUMENT }
      ];
    },
    matches: function (r) { return /^bai-viet\/[a-z0-9-]+$/.test(r.page) || r.page === NEW_DOCUMENT; },
    render: renderEditor
  });

  window.eportalEditorTime = { toLocalInput: toLocalInput, fromLocalInput: fromLocalInput };
})();
