// Chuyên mục: the category tree (public GET /categories), with a form to
// add a category or change one (POST, PUT /admin/categories with If-Match)
// and a delete the API refuses while the category has children or articles.
"use strict";
(function () {
  var C = window.eportalConsole, A = window.eportalAdmin, el = C.el, root = C.root;

  // flatten lists the tree depth first: [{cat, depth}].
  function flatten(nodes, depth, out) {
    (nodes || []).forEach(function (n) {
      out.push({ cat: n, depth: depth });
      flatten(n.children, depth + 1, out);
    });
    return out;
  }

  // descendants returns the ids of cat and everything under it: no parent
  // a category may be moved under.
  function descendants(cat) {
    var ids = {};
    flatten([cat], 0, []).forEach(function (x) { ids[x.cat.id] = true; });
    return ids;
  }

  // load reads the tree (A.list: as stored now), rebuilt from the flat
  // list.
  async function load() {
    var flat = flatten(await A.list("/categories"), 0, []).map(function (x) {
      var c = Object.assign({}, x.cat);
      delete c.children;
      return c;
    });
    return build(flat);
  }

  // build arranges flat categories into the tree, siblings by position.
  function build(cats) {
    var byID = {}, roots = [];
    cats.forEach(function (c) { byID[c.id] = Object.assign({}, c, { children: [] }); });
    cats.forEach(function (c) {
      var parent = c.parentId && byID[c.parentId];
      (parent ? parent.children : roots).push(byID[c.id]);
    });
    (function sort(list) {
      list.sort(function (a, b) { return a.position - b.position; });
      list.forEach(function (n) { sort(n.children); });
    })(roots);
    return roots;
  }

  // current tells whether this page is still the one shown (C.current).
  var current = function () { return false; };

  async function render() {
    current = C.current();
    var box = A.page("Chuyên mục", [C.notice("Đang tải chuyên mục…")]);
    var tree;
    try {
      tree = await load();
    } catch (e) {
      if (current()) A.say(box.alert, "Không tải được cây chuyên mục. " + e.message);
      return;
    }
    if (current()) draw(tree, "");
  }

  // reload reads the tree again after a change and says what was done.
  async function reload(done) {
    var tree;
    try {
      tree = await load();
    } catch (e) {
      tree = null;
    }
    if (current()) draw(tree, done);
  }

  function draw(tree, done) {
    var flat = flatten(tree || [], 0, []);
    var formSlot = el("section", { "class": "panel", "aria-labelledby": "cm-form-title" });
    var listSlot = el("section", { "class": "panel", "aria-labelledby": "cm-list-title" });
    var box = A.page("Chuyên mục", [formSlot, listSlot]);
    A.say(box.status, done);
    if (!tree) A.say(box.alert, "Không tải lại được cây chuyên mục; hãy tải lại trang.");

    function showForm(cat) {
      formSlot.replaceChildren(categoryForm(flat, cat, box, reload, function () { showForm(null); }));
      if (cat) formSlot.querySelector("input").focus();
    }
    showForm(null);

    listSlot.append(el("h2", { id: "cm-list-title", text: "Cây chuyên mục" }));
    if (!flat.length) {
      listSlot.append(el("p", { "class": "empty", text: "Chưa có chuyên mục nào." }));
    } else {
      listSlot.append(treeList(tree, box, showForm));
    }
    // The page is drawn anew: focus takes the reader to what was done.
    if (done) box.status.focus();
  }

  function treeList(nodes, box, edit) {
    return el("ul", { "class": "tree" }, nodes.map(function (n) {
      var editB = A.button("Sửa", function () { edit(n); }, { "aria-label": "Sửa “" + n.name + "”" });
      var delB = A.button("Xóa", function () {
        A.confirm(delB, "Xóa chuyên mục “" + n.name + "”?", "Xóa", async function (restore) {
          A.say(box.alert, "");
          try {
            await C.api("/admin/categories/" + encodeURIComponent(n.id), { method: "DELETE", headers: A.ifMatch(n.version) });
          } catch (e) {
            restore();
            A.say(box.alert, A.problem("Không xóa được chuyên mục “" + n.name + "”.", e));
            return;
          }
          reload("Đã xóa chuyên mục “" + n.name + "”.");
        });
      }, { "aria-label": "Xóa “" + n.name + "”", "class": "danger" });
      var row = el("div", { "class": "row", "data-id": n.id }, [
        el("span", { "class": "name", text: n.name }),
        el("span", { "class": "meta", text: "/" + n.slug + " · thứ tự " + n.position }),
        el("span", { "class": "actions" }, [editB, delB])
      ]);
      var li = el("li", {}, [row]);
      if (n.children && n.children.length) li.append(treeList(n.children, box, edit));
      return li;
    }));
  }

  // categoryForm adds a category (cat null) or changes cat. On success it
  // calls saved(message); a failed save keeps what was typed.
  function categoryForm(flat, cat, box, saved, cancel) {
    var excluded = cat ? descendants(cat) : {};
    var name = el("input", { type: "text", required: "", maxlength: "200", autocomplete: "off" });
    var slug = el("input", { type: "text", maxlength: "100", pattern: "[a-z0-9]+(-[a-z0-9]+)*", autocomplete: "off", spellcheck: "false" });
    var parents = [{ value: "", label: "(Không có: chuyên mục gốc)" }];
    flat.forEach(function (x) {
      if (!excluded[x.cat.id]) parents.push({ value: x.cat.id, label: "— ".repeat(x.depth) + x.cat.name });
    });
    var parent = A.select(parents, cat ? cat.parentId || "" : "");
    var position = el("input", { type: "number", min: "0", max: "1000000", step: "1", inputmode: "numeric" });
    if (cat) {
      name.value = cat.name;
      slug.value = cat.slug;
      position.value = cat.position;
    }
    var title = cat ? "Sửa chuyên mục “" + cat.name + "”" : "Thêm chuyên mục";
    var err = A.alertBox();
    var submit = el("button", { type: "submit", "class": "primary", text: cat ? "Lưu thay đổi" : "Thêm chuyên mục" });
    var actions = el("div", { "class": "form-actions" }, [submit]);
    if (cat) actions.append(A.button("Hủy", cancel));
    var form = el("form", { "class": "admin-form", novalidate: "" }, [
      el("h2", { id: "cm-form-title", text: title }),
      A.field("Tên chuyên mục", name),
      A.field("Đường dẫn (slug)", slug, cat ? "Chữ thường không dấu, nối bằng gạch ngang. Đổi đường dẫn thì địa chỉ cũ của chuyên mục không còn." :
        "Chữ thường không dấu, nối bằng gạch ngang, ví dụ khoa-xix. Để trống: tạo từ tên. Không đổi được mã chuyên mục sau khi tạo."),
      A.field("Chuyên mục cha", parent),
      A.field("Thứ tự", position, "Số nhỏ đứng trước trong cùng chuyên mục cha. Để trống: xếp cuối."),
      err, actions
    ]);

    function nextPosition(parentId) {
      var max = 0;
      flat.forEach(function (x) {
        if ((x.cat.parentId || "") === parentId && (!cat || x.cat.id !== cat.id)) max = Math.max(max, x.cat.position || 0);
      });
      return max + 1;
    }

    form.addEventListener("submit", async function (e) {
      e.preventDefault();
      A.say(err, "");
      var body = { name: name.value.trim(), slug: slug.value.trim(), parentId: parent.value };
      if (!body.name) { A.say(err, "Hãy nhập tên chuyên mục."); name.focus(); return; }
      if (body.slug && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(body.slug)) {
        A.say(err, "Đường dẫn chỉ gồm chữ thường không dấu và số, nối bằng gạch ngang (ví dụ khoa-xix).");
        slug.focus();
        return;
      }
      var pos = position.value.trim();
      if (pos !== "" && !/^\d+$/.test(pos)) { A.say(err, "Thứ tự là một số nguyên từ 0 đến 1000000."); position.focus(); return; }
      body.position = pos === "" ? nextPosition(body.parentId) : Number(pos);
      A.busy(form, true);
      var saved1;
      try {
        saved1 = cat ?
          await C.api("/admin/categories/" + encodeURIComponent(cat.id), { method: "PUT", body: body, headers: A.ifMatch(cat.version) }) :
          await C.api("/admin/categories", { method: "POST", body: body });
      } catch (ex) {
        A.busy(form, false);
        A.say(err, A.problem(cat ? "Không lưu được chuyên mục." : "Không thêm được chuyên mục.", ex));
        return;
      }
      saved((cat ? "Đã lưu chuyên mục “" : "Đã thêm chuyên mục “") + saved1.name + "”.");
    });
    return form;
  }

  C.register({
    section: "Quản trị",
    role: "admin",
    nav: function (r) { return [{ href: root + "chuyen-muc", label: "Chuyên mục", current: r.page === "chuyen-muc" }]; },
    matches: function (r) { return r.page === "chuyen-muc"; },
    render: render
  });
})();
