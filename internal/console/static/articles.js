// The articles desk: lists by status. Registered with the console shell
// (console.js), which signs in and routes.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el, show = C.show, notice = C.notice, form = C.form, root = C.root;
  var categoryNames = null;

  var STATUSES = [
    { id: "draft", slug: "nhap", label: "Bản nháp" },
    { id: "in_review", slug: "cho-duyet", label: "Chờ duyệt" },
    { id: "scheduled", slug: "hen-gio", label: "Hẹn giờ đăng" },
    { id: "published", slug: "da-dang", label: "Đã đăng" },
    { id: "archived", slug: "luu-tru", label: "Lưu trữ" }
  ];

  // categories returns category names by id, from the public tree, read
  // once per page load; ids stand in for names if it cannot be read.
  async function categories() {
    if (categoryNames) return categoryNames;
    var names = {};
    try {
      var r = await fetch(C.config().apiBase + "/categories");
      var walk = function (list) {
        (list || []).forEach(function (c) { names[c.id] = c.name; walk(c.children); });
      };
      if (r.ok) walk((await r.json()).items);
      categoryNames = names;
    } catch (e) { /* ids then */ }
    return names;
  }

  async function renderDesk(r) {
    var current = C.current();
    var status = STATUSES.filter(function (s) { return s.slug === r.status; })[0] || STATUSES[0];
    var h1 = el("h1", { text: "Bài viết: " + status.label });
    show([h1, notice("Đang tải danh sách…")]);
    var path = "/admin/articles?" + form({ status: status.id, limit: 20 }) + (r.cursor ? "&" + form({ cursor: r.cursor }) : "");
    var page, names;
    try {
      names = await categories();
      page = await C.api(path);
    } catch (e) {
      if (current()) show([h1, notice("Không tải được danh sách. " + e.message, true)]);
      return;
    }
    if (!current()) return;
    var items = page.items || [];
    var nodes = [h1];
    if (items.length === 0) {
      nodes.push(el("p", { "class": "empty", text: "Không có bài viết nào." }));
    } else {
      var rows = items.map(function (a) {
        return el("tr", {}, [
          el("td", { text: a.title }),
          el("td", { text: (a.categories || []).map(function (id) { return names[id] || id; }).join(", ") }),
          el("td", { text: a.author || "" }),
          el("td", { "class": "time", text: C.vnTime(a.updatedAt) }),
          el("td", { "class": "time", text: C.vnTime(a.publishAt) })
        ]);
      });
      nodes.push(el("table", {}, [
        el("caption", { text: status.label + " (" + items.length + " bài trên trang này)" }),
        el("thead", {}, [el("tr", {}, ["Tiêu đề", "Chuyên mục", "Tác giả", "Sửa lần cuối", "Ngày đăng"].map(function (t) {
          return el("th", { scope: "col", text: t });
        }))]),
        el("tbody", {}, rows)
      ]));
    }
    var pager = el("div", { "class": "pager" });
    if (r.cursor) pager.appendChild(el("a", { "class": "button", href: root + "?trang-thai=" + status.slug, text: "Về trang đầu" }));
    if (page.nextCursor) {
      pager.appendChild(el("a", { "class": "button", href: root + "?" + form({ "trang-thai": status.slug, sau: page.nextCursor }), text: "Trang sau" }));
    }
    if (pager.childNodes.length) nodes.push(pager);
    show(nodes);
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
