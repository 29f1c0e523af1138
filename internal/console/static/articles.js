// The articles desk: lists by status, news articles and legal documents
// (articles of kind "document") together, each document labelled "Văn bản"
// with its number. Registered with the console shell (console.js), which
// signs in and routes.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el, show = C.show, notice = C.notice, form = C.form, root = C.root;
  var categoryNames = null, categoryList = [], typeNames = null;

  // KINDS are the desk's kind filter: the API lists both kinds together,
  // so the desk keeps the rows of the kind chosen.
  var KINDS = [
    { slug: "", label: "Tất cả" },
    { slug: "bai-viet", label: "Bài viết", keep: function (a) { return a.kind !== "document"; } },
    { slug: "van-ban", label: "Văn bản", keep: function (a) { return a.kind === "document"; } }
  ];

  var STATUSES = [
    { id: "draft", slug: "nhap", label: "Bản nháp" },
    { id: "in_review", slug: "cho-duyet", label: "Chờ duyệt" },
    { id: "scheduled", slug: "hen-gio", label: "Hẹn giờ đăng" },
    { id: "published", slug: "da-dang", label: "Đã đăng" },
    { id: "archived", slug: "luu-tru", label: "Lưu trữ" }
  ];

  // categories returns category names by id, from the tree as stored
  // (GET /admin/categories, never cached), read once per page load; ids stand in for names if it cannot be read.
  async function categories() {
    if (categoryNames) return categoryNames;
    var names = {};
    try {
      var r = await C.request("/admin/categories");
      var list = [];
      var walk = function (items, depth) {
        (items || []).forEach(function (c) {
          names[c.id] = c.name;
          list.push({ id: c.id, label: "\u00a0\u00a0".repeat(depth) + c.name });
          walk(c.children, depth + 1);
        });
      };
      if (r.ok) walk(r.body.items, 0);
      categoryList = list;
      categoryNames = names;
    } catch (e) { /* ids then */ }
    return names;
  }

  // documentTypes returns the names of the types of document by id (GET
  // /documents/types), read once per page load; ids stand in for names if
  // it cannot be read.
  async function documentTypes() {
    if (typeNames) return typeNames;
    var names = {};
    try {
      var r = await C.request("/documents/types");
      if (r.ok) (r.body.types || []).forEach(function (t) { names[t.id] = t.name; });
      typeNames = names;
    } catch (e) { /* ids then */ }
    return names;
  }

  async function renderDesk(r) {
    var current = C.current();
    var status = STATUSES.filter(function (s) { return s.slug === r.status; })[0] || STATUSES[0];
    var h1 = el("h1", { text: "Bài viết: " + status.label });
    var category = r.query.get("chuyen-muc") || "", author = (r.query.get("tac-gia") || "").trim();
    var kind = KINDS.filter(function (k) { return k.slug === (r.query.get("loai") || ""); })[0] || KINDS[0];
    var newButton = el("span", { "class": "actions" }, [
      el("a", { "class": "button primary", href: root + "bai-viet/moi", text: "Viết bài mới" }),
      el("a", { "class": "button primary", href: root + "van-ban/moi", text: "Văn bản mới" })
    ]);
    show([h1, notice("Đang tải danh sách…")]);
    var params = { status: status.id, limit: 20 };
    if (category) params.category = category;
    if (author) params.author = author;
    var path = "/admin/articles?" + form(params) + (r.cursor ? "&" + form({ cursor: r.cursor }) : "");
    var page, names, types;
    var keep = function (items) { return kind.keep ? (items || []).filter(kind.keep) : items || []; };
    try {
      names = await categories();
      types = await documentTypes();
      page = await C.api(path);
      page.items = keep(page.items);
      // A filtered page holds the matches among the next 20 articles of
      // the status: the desk reads on (at most 5 more pages) to show up to
      // 20 matches, so that a filter is not a row of empty pages.
      var base = path.replace(/&cursor=[^&]*$/, "");
      for (var more = 0; (category || author || kind.keep) && more < 5 && page.nextCursor && page.items.length < 20; more++) {
        var next = await C.api(base + "&" + form({ cursor: page.nextCursor }));
        page = { items: page.items.concat(keep(next.items)), nextCursor: next.nextCursor };
      }
    } catch (e) {
      if (current()) show([h1, newButton, notice("Không tải được danh sách. " + e.message, true)]);
      return;
    }
    if (!current()) return;
    var items = page.items || [];
    var nodes = [h1, el("div", { "class": "desk-tools" }, [newButton, filter(status, category, author, kind)])];
    if (items.length === 0) {
      // A filtered page can be empty with more to read after it.
      nodes.push(el("p", { "class": "empty", text: page.nextCursor ? "Trang này không có bài phù hợp; hãy xem trang sau." : "Không có bài viết nào." }));
    } else {
      var rows = items.map(function (a) {
        var d = a.kind === "document" ? a.document || {} : null;
        var title = [el("a", { href: root + "bai-viet/" + encodeURIComponent(a.id), text: a.title })];
        if (d) title.unshift(el("span", { "class": "kind", text: "Văn bản" }), el("span", { "class": "number", text: d.number || "" }));
        return el("tr", { "class": d ? "document" : "" }, [
          el("td", {}, title),
          el("td", { text: d ? types[d.type] || d.type || "" : (a.categories || []).map(function (id) { return names[id] || id; }).join(", ") }),
          el("td", { text: d ? d.issuer || "" : a.author || "" }),
          el("td", { "class": "time", text: C.vnTime(a.updatedAt) }),
          el("td", { "class": "time", text: C.vnTime(a.publishAt) })
        ]);
      });
      nodes.push(el("table", {}, [
        el("caption", { text: status.label + " (" + items.length + " bài trên trang này)" }),
        el("thead", {}, [el("tr", {}, ["Tiêu đề / trích yếu", "Chuyên mục / loại văn bản", "Tác giả / cơ quan ban hành", "Sửa lần cuối", "Ngày đăng"].map(function (t) {
          return el("th", { scope: "col", text: t });
        }))]),
        el("tbody", {}, rows)
      ]));
    }
    var pager = el("div", { "class": "pager" });
    var here = { "trang-thai": status.slug };
    if (category) here["chuyen-muc"] = category;
    if (author) here["tac-gia"] = author;
    if (kind.slug) here.loai = kind.slug;
    if (r.cursor) pager.appendChild(el("a", { "class": "button", href: root + "?" + form(here), text: "Về trang đầu" }));
    if (page.nextCursor) {
      pager.appendChild(el("a", { "class": "button", href: root + "?" + form(Object.assign({}, here, { sau: page.nextCursor })), text: "Trang sau" }));
    }
    if (pager.childNodes.length) nodes.push(pager);
    show(nodes);
  }

  // filter is the kind, category and author filter: a form the console
  // routes itself (the list is one query either way: the API filters the
  // status's list, so a page may be short; the kind is kept by the desk).
  function filter(status, category, author, kind) {
    var kinds = el("select", { id: "loc-loai", name: "loai" }, KINDS.map(function (k) { return el("option", { value: k.slug, text: k.label }); }));
    kinds.value = kind.slug;
    var select = el("select", { id: "loc-chuyen-muc", name: "chuyen-muc" }, [el("option", { value: "", text: "Tất cả chuyên mục" })].concat(
      categoryList.map(function (c) { return el("option", { value: c.id, text: c.label }); })));
    select.value = category;
    var byline = el("input", { type: "search", id: "loc-tac-gia", name: "tac-gia", maxlength: "300", "aria-describedby": "loc-tac-gia-goi-y" });
    byline.value = author;
    var f = el("form", { "class": "filter", role: "search", "aria-label": "Lọc danh sách" }, [
      el("label", { "for": "loc-loai", text: "Loại" }), kinds,
      el("label", { "for": "loc-chuyen-muc", text: "Chuyên mục" }), select,
      el("label", { "for": "loc-tac-gia", text: "Tác giả" }), byline,
      el("button", { type: "submit", text: "Lọc" }),
      el("span", { "class": "hint", id: "loc-tac-gia-goi-y", text: "Tác giả: một phần tên như đã ghi, có dấu." })
    ]);
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = { "trang-thai": status.slug };
      if (kinds.value) q.loai = kinds.value;
      if (select.value) q["chuyen-muc"] = select.value;
      if (byline.value.trim()) q["tac-gia"] = byline.value.trim();
      C.navigate(root + "?" + form(q));
    });
    return f;
  }

  C.register({
    section: "Bài viết",
    role: "editor",
    nav: function (r) {
      return STATUSES.map(function (s) {
        return { href: root + "?trang-thai=" + s.slug, label: s.label, current: r.page === "" && r.status === s.slug };
      });
    },
    matches: function (r) { return r.page === ""; },
    render: renderDesk
  });
})();
