// Nhật ký thao tác: the audit trail (GET /admin/audit), newest first, 20 a
// page, optionally of one entity or one user; each record says who did
// what to which article, category, link or poll, when in Vietnam time.
"use strict";
(function () {
  var C = window.eportalConsole, A = window.eportalAdmin, el = C.el, form = C.form, root = C.root;
  var PAGE = root + "nhat-ky";

  var ACTIONS = {
    create: "Tạo", update: "Sửa", "delete": "Xóa", submit: "Gửi duyệt", publish: "Đăng",
    reject: "Trả lại", unpublish: "Gỡ xuống", archive: "Lưu trữ", close: "Đóng bình chọn"
  };
  var TYPES = { article: "Bài viết", category: "Chuyên mục", link: "Liên kết", poll: "Bình chọn" };

  // names finds a readable name for each entity on the page: category and
  // link names from the public lists, article titles and poll questions
  // one request each (at most a page's worth); what cannot be read keeps
  // its id.
  async function names(items) {
    var out = {}, wanted = {};
    items.forEach(function (a) { wanted[a.entityType + ":" + a.entityId] = a; });
    var keys = Object.keys(wanted);
    var jobs = [];
    if (keys.some(function (k) { return k.indexOf("category:") === 0; })) {
      jobs.push(A.list("/categories").then(function walk(list) {
        list.forEach(function (c) { out["category:" + c.id] = c.name; walk(c.children || []); });
      }).catch(function () {}));
    }
    if (keys.some(function (k) { return k.indexOf("link:") === 0; })) {
      jobs.push(A.list("/links").then(function (list) {
        list.forEach(function (l) { out["link:" + l.id] = l.title; });
      }).catch(function () {}));
    }
    keys.forEach(function (k) {
      var a = wanted[k];
      var path = a.entityType === "article" ? "/admin/articles/" : a.entityType === "poll" ? "/admin/polls/" : "";
      if (!path) return;
      jobs.push(C.request(path + encodeURIComponent(a.entityId)).then(function (res) {
        if (res.ok) out[k] = res.body.title || res.body.question;
        else if (res.status === 404) out[k] = null; // deleted since
      }).catch(function () {}));
    });
    await Promise.all(jobs);
    return out;
  }

  async function render(r) {
    var current = C.current();
    var entity = r.query.get("doi-tuong") || "", actor = r.query.get("nguoi") || "";
    var box = A.page("Nhật ký thao tác", [C.notice("Đang tải nhật ký…")]);
    var params = { limit: 20 };
    if (entity) params.entity = entity;
    if (actor) params.actor = actor;
    if (r.cursor) params.cursor = r.cursor;
    var page, found;
    try {
      page = await C.api("/admin/audit?" + form(params));
      found = await names(page.items || []);
    } catch (e) {
      if (current()) A.say(box.alert, "Không tải được nhật ký. " + e.message);
      return;
    }
    if (!current()) return;
    var me = C.user().sub, items = page.items || [];
    var parts = [];
    if (entity || actor) {
      var what = entity ? describe(entity, found) : "";
      parts.push(el("p", { "class": "filter" }, [
        el("span", { text: "Chỉ hiện thao tác " + (entity ? "trên " + what : "") + (entity && actor ? ", " : "") +
          (actor ? "của " + (actor === me ? "bạn" : "người dùng " + actor) : "") + ". " }),
        el("a", { href: PAGE, text: "Xem toàn bộ nhật ký" })
      ]));
    }
    if (!items.length) {
      parts.push(el("p", { "class": "empty", text: r.cursor ? "Không còn thao tác nào." : "Chưa có thao tác nào." }));
    } else {
      parts.push(el("table", { "class": "audit" }, [
        el("caption", { text: "Thao tác, mới nhất trước (" + items.length + " trên trang này)" }),
        el("thead", {}, [el("tr", {}, ["Thời gian", "Người thực hiện", "Thao tác", "Đối tượng", "Phiên bản"].map(function (t) {
          return el("th", { scope: "col", text: t });
        }))]),
        el("tbody", {}, items.map(function (a) { return row(a, found, me, entity, actor); }))
      ]));
    }
    var pager = el("div", { "class": "pager" });
    var base = {};
    if (entity) base["doi-tuong"] = entity;
    if (actor) base.nguoi = actor;
    if (r.cursor) pager.append(el("a", { "class": "button", href: PAGE + (entity || actor ? "?" + form(base) : ""), text: "Về trang đầu" }));
    if (page.nextCursor) pager.append(el("a", { "class": "button", href: PAGE + "?" + form(Object.assign({}, base, { sau: page.nextCursor })), text: "Trang sau" }));
    if (pager.childNodes.length) parts.push(pager);
    var h1 = el("h1", { text: "Nhật ký thao tác" });
    C.show([h1].concat(parts));
  }

  function describe(key, found) {
    var i = key.indexOf(":"), type = key.slice(0, i), id = key.slice(i + 1);
    var label = (TYPES[type] || type).toLowerCase();
    if (found[key]) return label + " “" + found[key] + "”";
    return label + " " + id + (found[key] === null ? " (đã xóa)" : "");
  }

  // actionText reads an action; "restore:3" restored revision 3.
  function actionText(action) {
    var m = /^restore:(\d+)$/.exec(action || "");
    if (m) return "Khôi phục phiên bản " + m[1];
    return ACTIONS[action] || action;
  }

  function row(a, found, me, entity, actor) {
    var key = a.entityType + ":" + a.entityId;
    var name = found[key];
    var what = el("td", {}, [el("span", { "class": "type", text: (TYPES[a.entityType] || a.entityType) + ": " })]);
    var label = name ? name : a.entityId + (name === null ? " (đã xóa)" : "");
    if (entity === key) what.append(el("span", { text: label }));
    else what.append(el("a", { href: PAGE + "?" + form({ "doi-tuong": key }), text: label, title: "Chỉ xem thao tác trên mục này" }));
    var who = el("td", {});
    var whoLabel = a.actor === me ? "Bạn (" + C.user().name + ")" : a.actor;
    if (actor === a.actor) who.append(el("span", { text: whoLabel }));
    else who.append(el("a", { href: PAGE + "?" + form({ nguoi: a.actor }), text: whoLabel, title: "Chỉ xem thao tác của người này" }));
    return el("tr", {}, [
      el("td", { "class": "time", text: C.vnTime(a.at) }),
      who,
      el("td", { text: actionText(a.action) }),
      what,
      el("td", { text: a.version ? String(a.version) : "" })
    ]);
  }

  C.register({
    section: "Quản trị",
    role: "admin",
    nav: function (r) { return [{ href: PAGE, label: "Nhật ký thao tác", current: r.page === "nhat-ky" }]; },
    matches: function (r) { return r.page === "nhat-ky"; },
    render: render
  });
})();
