// Liên kết website: the linked websites in their order (public GET /links),
// with a form to add or change one (POST, PUT /admin/links with If-Match),
// buttons moving one up or down, and delete.
"use strict";
(function () {
  var C = window.eportalConsole, A = window.eportalAdmin, el = C.el, root = C.root;
  var current = function () { return false; };

  // load reads the links (A.list: as stored now), in order.
  async function load() {
    return (await A.list("/links")).sort(function (a, b) { return a.position - b.position; });
  }

  async function render() {
    current = C.current();
    var box = A.page("Liên kết website", [C.notice("Đang tải danh sách liên kết…")]);
    var links;
    try {
      links = await load();
    } catch (e) {
      if (current()) A.say(box.alert, "Không tải được danh sách liên kết. " + e.message);
      return;
    }
    if (current()) draw(links, "");
  }

  async function reload(done, problem) {
    var links = null;
    try {
      links = await load();
    } catch (e) { /* said below */ }
    if (current()) draw(links, done, problem);
  }

  function draw(links, done, problem) {
    var formSlot = el("section", { "class": "panel", "aria-labelledby": "lk-form-title" });
    var listSlot = el("section", { "class": "panel", "aria-labelledby": "lk-list-title" });
    var box = A.page("Liên kết website", [formSlot, listSlot]);
    A.say(box.status, done);
    A.say(box.alert, problem || (links ? "" : "Không tải lại được danh sách liên kết; hãy tải lại trang."));
    links = links || [];

    function showForm(link) {
      formSlot.replaceChildren(linkForm(links, link, reload, function () { showForm(null); }));
      if (link) formSlot.querySelector("input").focus();
    }
    showForm(null);

    listSlot.append(el("h2", { id: "lk-list-title", text: "Các liên kết, theo thứ tự hiển thị" }));
    if (!links.length) {
      listSlot.append(el("p", { "class": "empty", text: "Chưa có liên kết nào." }));
    } else {
      listSlot.append(el("table", { "class": "links" }, [
        el("thead", {}, [el("tr", {}, ["Tiêu đề", "Địa chỉ", "Thứ tự", "Thao tác"].map(function (t) {
          return el("th", { scope: "col", text: t });
        }))]),
        el("tbody", {}, links.map(function (l, i) { return row(links, l, i, box, showForm); }))
      ]));
    }
    if (done || problem) (problem ? box.alert : box.status).focus();
  }

  function row(links, l, i, box, edit) {
    var up = A.button("Lên", function () { move(links, i, -1, box); }, { "aria-label": "Đưa “" + l.title + "” lên" });
    var down = A.button("Xuống", function () { move(links, i, 1, box); }, { "aria-label": "Đưa “" + l.title + "” xuống" });
    up.disabled = i === 0;
    down.disabled = i === links.length - 1;
    var editB = A.button("Sửa", function () { edit(l); }, { "aria-label": "Sửa “" + l.title + "”" });
    var delB = A.button("Xóa", function () {
      A.confirm(delB, "Xóa liên kết “" + l.title + "”?", "Xóa", async function (restore) {
        A.say(box.alert, "");
        try {
          await C.api("/admin/links/" + encodeURIComponent(l.id), { method: "DELETE", headers: A.ifMatch(l.version) });
        } catch (e) {
          restore();
          A.say(box.alert, A.problem("Không xóa được liên kết “" + l.title + "”.", e));
          return;
        }
        reload("Đã xóa liên kết “" + l.title + "”.");
      });
    }, { "aria-label": "Xóa “" + l.title + "”", "class": "danger" });
    return el("tr", { "data-id": l.id }, [
      el("td", { text: l.title }),
      el("td", { "class": "url" }, [el("a", { href: l.url, target: "_blank", rel: "noopener noreferrer", text: l.url })]),
      el("td", { text: String(l.position) }),
      el("td", { "class": "actions" }, [el("div", { "class": "row-actions" }, [up, down, editB, delB])])
    ]);
  }

  // move swaps link i with its neighbour by giving every link whose place
  // changes the position of its new place (10, 20, 30… when two share a
  // position), one PUT each.
  async function move(links, i, by, box) {
    var order = links.slice();
    var moved = order.splice(i, 1)[0];
    order.splice(i + by, 0, moved);
    var distinct = new Set(links.map(function (l) { return l.position; })).size === links.length;
    var changes = [];
    order.forEach(function (l, k) {
      var want = distinct ? links[k].position : (k + 1) * 10;
      if (l.position !== want) changes.push({ link: l, position: want });
    });
    C.main.setAttribute("aria-busy", "true");
    document.querySelectorAll("main table button").forEach(function (b) { b.disabled = true; });
    var failed = "";
    for (var k = 0; k < changes.length && !failed; k++) {
      var c = changes[k];
      try {
        await C.api("/admin/links/" + encodeURIComponent(c.link.id), {
          method: "PUT", headers: A.ifMatch(c.link.version),
          body: { title: c.link.title, url: c.link.url, position: c.position }
        });
      } catch (e) {
        failed = A.problem("Không đổi được thứ tự.", e);
      }
    }
    C.main.removeAttribute("aria-busy");
    reload(failed ? "" : "Đã đưa “" + moved.title + "” " + (by < 0 ? "lên" : "xuống") + ".", failed);
  }

  // linkForm adds a link (link null) or changes one; a failed save keeps
  // what was typed.
  function linkForm(links, link, saved, cancel) {
    var title = el("input", { type: "text", required: "", maxlength: "200", autocomplete: "off" });
    var url = el("input", { type: "url", required: "", maxlength: "2000", autocomplete: "off", spellcheck: "false", placeholder: "https://" });
    var position = el("input", { type: "number", min: "0", max: "1000000", step: "1", inputmode: "numeric" });
    if (link) {
      title.value = link.title;
      url.value = link.url;
      position.value = link.position;
    }
    var err = A.alertBox();
    var actions = el("div", { "class": "form-actions" }, [el("button", { type: "submit", "class": "primary", text: link ? "Lưu thay đổi" : "Thêm liên kết" })]);
    if (link) actions.append(A.button("Hủy", cancel));
    var form = el("form", { "class": "admin-form", novalidate: "" }, [
      el("h2", { id: "lk-form-title", text: link ? "Sửa liên kết “" + link.title + "”" : "Thêm liên kết" }),
      A.field("Tiêu đề", title),
      A.field("Địa chỉ", url, "Bắt đầu bằng http:// hoặc https://"),
      A.field("Thứ tự", position, "Số nhỏ đứng trước. Để trống: xếp cuối."),
      err, actions
    ]);
    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      A.say(err, "");
      var body = { title: title.value.trim(), url: url.value.trim() };
      if (!body.title) { A.say(err, "Hãy nhập tiêu đề liên kết."); title.focus(); return; }
      if (!/^https?:\/\/[^\s/]+/i.test(body.url)) { A.say(err, "Địa chỉ phải bắt đầu bằng http:// hoặc https://, ví dụ https://chinhphu.vn."); url.focus(); return; }
      var pos = position.value.trim();
      if (pos !== "" && !/^\d+$/.test(pos)) { A.say(err, "Thứ tự là một số nguyên từ 0 đến 1000000."); position.focus(); return; }
      body.position = pos !== "" ? Number(pos) : links.reduce(function (m, l) {
        return link && l.id === link.id ? m : Math.max(m, l.position || 0);
      }, 0) + 1;
      A.busy(form, true);
      var got;
      try {
        got = link ?
          await C.api("/admin/links/" + encodeURIComponent(link.id), { method: "PUT", body: body, headers: A.ifMatch(link.version) }) :
          await C.api("/admin/links", { method: "POST", body: body });
      } catch (ex) {
        A.busy(form, false);
        A.say(err, A.problem(link ? "Không lưu được liên kết." : "Không thêm được liên kết.", ex));
        return;
      }
      saved((link ? "Đã lưu liên kết “" : "Đã thêm liên kết “") + got.title + "”.");
    });
    return form;
  }

  C.register({
    section: "Quản trị",
    role: "admin",
    nav: function (r) { return [{ href: root + "lien-ket", label: "Liên kết website", current: r.page === "lien-ket" }]; },
    matches: function (r) { return r.page === "lien-ket"; },
    render: render
  });
})();
