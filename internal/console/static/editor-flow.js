// The editor's workflow bar (what the user's role and the article's status
// allow: submit, publish now or at a time, reject with a reason,
// unpublish, archive, delete), the preview and the revisions. The API
// still refuses what a role may not do; its error is shown as it says it.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el, notice = C.notice, root = C.root;
  var Body = window.eportalBody, Diff = window.eportalDiff;

  var STATUS = {
    draft: ["Bản nháp", "nhap"], in_review: ["Chờ duyệt", "cho-duyet"], scheduled: ["Hẹn giờ đăng", "hen-gio"],
    published: ["Đã đăng", "da-dang"], archived: ["Lưu trữ", "luu-tru"]
  };

  // create returns the bar, the panels (preview, revisions) and update(),
  // which redraws them for the article now in o.state. o.preview false
  // leaves the preview out; o.noun names what is edited ("bài viết");
  // o.body() is the form as a request body (what the preview posts).
  function create(o) {
    var u = o.user, state = o.state, say = o.say, noun = o.noun || "bài viết";
    var bar = el("div", { "class": "flow", role: "group", "aria-label": "Quy trình" });
    var panels = el("div", { "class": "panels" });
    var previewBox = el("section", { "class": "preview", "aria-labelledby": "xem-truoc-tieu-de", hidden: "" });
    var revisionsBox = el("section", { "class": "revisions", "aria-labelledby": "phien-ban-tieu-de", hidden: "" });
    panels.append(previewBox, revisionsBox);

    function button(label, action, kind) {
      var b = el("button", { type: "button", text: label });
      if (kind) b.className = kind;
      b.addEventListener("click", function () { run(b, action); });
      return b;
    }
    async function run(b, action) {
      b.disabled = true;
      try { await action(); } catch (e) { say(e.message, true); } finally { b.disabled = false; }
    }

    // transition saves unsaved work first, then posts the action with
    // If-Match, so that it applies to the text the user sees.
    async function transition(action, body, done) {
      if (o.dirty() || !state.id) {
        if (!(await o.save())) return;
      }
      var res = await C.request("/admin/articles/" + encodeURIComponent(state.id) + "/" + action,
        { method: "POST", body: body, headers: { "If-Match": state.etag } });
      if (!o.current()) return;
      if (res.status === 412) return say("Chưa thực hiện: " + noun + " vừa được người khác sửa. Hãy tải lại trang để xem bản mới.", true);
      if (!res.ok) return say("Chưa thực hiện. " + C.errorText(res), true);
      o.accept(res);
      say(done + " Trạng thái: " + STATUS[state.article.status][0] + ".");
    }

    async function publishAt() {
      var a = await Body.ask("Hẹn giờ đăng", [
        { name: "at", label: "Đăng lúc (giờ Việt Nam)", type: "datetime-local", required: true, value: o.toLocalInput(state.article.publishAt) },
        { name: "until", label: "Hết hạn lúc (giờ Việt Nam; để trống nếu không hết hạn)", type: "datetime-local", value: o.toLocalInput(state.article.expiresAt) }
      ], "Hẹn giờ");
      if (!a) return;
      var at = o.fromLocalInput(a.at), until = o.fromLocalInput(a.until);
      if (!at || until === null) return say("Thời gian không hợp lệ.", true);
      var body = { publishAt: at };
      if (until) body.expiresAt = until;
      await transition("publish", body, "Đã hẹn giờ đăng lúc " + C.vnTime(at) + ".");
    }

    async function reject() {
      var a = await Body.ask("Trả lại bài viết", [{ name: "reason", label: "Lý do trả lại (người viết sẽ thấy)", type: "textarea", required: true }], "Trả lại");
      if (!a) return;
      if (!a.reason.trim()) return say("Hãy ghi lý do trả lại.", true);
      await transition("reject", { reason: a.reason }, "Đã trả lại bài viết.");
    }

    async function remove() {
      var a = await Body.ask("Xóa bài viết", [{ name: "confirm", label: "Gõ XÓA để xác nhận xóa hẳn bài viết này", required: true }], "Xóa hẳn");
      if (!a) return;
      if (a.confirm.trim().toUpperCase() !== "XÓA") return say("Chưa xóa: cần gõ đúng chữ XÓA.", true);
      var res = await C.request("/admin/articles/" + encodeURIComponent(state.id), { method: "DELETE", headers: { "If-Match": state.etag } });
      if (!res.ok) return say("Chưa xóa. " + C.errorText(res), true);
      localStorage.removeItem("eportal.console.draft." + state.id);
      C.beforeLeave = null;
      C.navigate(root + "?trang-thai=" + STATUS[state.article.status][1]);
    }

    // preview renders the form's fields as the reader site would, in a
    // sandboxed frame that runs no script.
    async function preview() {
      var res = await C.request("/admin/preview", { method: "POST", body: o.body(), headers: { Accept: "text/html" } });
      previewBox.hidden = false;
      var close = el("button", { type: "button", text: "Đóng xem trước" });
      close.addEventListener("click", function () { previewBox.hidden = true; previewBox.replaceChildren(); });
      var head = el("h2", { id: "xem-truoc-tieu-de", text: "Xem trước (như bạn đọc thấy)" });
      if (!res.ok) {
        previewBox.replaceChildren(head, notice("Không xem trước được. " + C.errorText(res), true), close);
        return;
      }
      var frame = el("iframe", { sandbox: "", title: "Xem trước bài viết", "class": "preview-frame" });
      // The sandbox runs no script anyway; leaving the page's out spares
      // the console a "blocked script" error per preview.
      var html = typeof res.body.raw === "string" ? res.body.raw : "";
      frame.srcdoc = html.replace(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi, "");
      previewBox.replaceChildren(head, frame, el("p", { "class": "actions" }, [close]));
      frame.scrollIntoView();
    }

    async function revisions() {
      revisionsBox.hidden = false;
      var head = el("h2", { id: "phien-ban-tieu-de", text: "Các phiên bản" });
      revisionsBox.replaceChildren(head, notice("Đang tải…"));
      var page = await C.api("/admin/articles/" + encodeURIComponent(state.id) + "/revisions?limit=50");
      var view = el("div", { "class": "revision" });
      var rows = (page.items || []).map(function (v) {
        var show = el("button", { type: "button", text: "Xem phiên bản " + v.version });
        show.addEventListener("click", function () { run(show, function () { return showRevision(v.version, view); }); });
        return el("tr", {}, [
          el("td", { text: String(v.version) }), el("td", { "class": "time", text: C.vnTime(v.updatedAt) }),
          el("td", { text: v.updatedBy || "" }), el("td", { text: (STATUS[v.status] || [v.status])[0] }), el("td", {}, [show])
        ]);
      });
      var close = el("button", { type: "button", text: "Đóng" });
      close.addEventListener("click", function () { revisionsBox.hidden = true; revisionsBox.replaceChildren(); });
      revisionsBox.replaceChildren(head, el("table", {}, [
        el("caption", { text: "Mới nhất trước" }),
        el("thead", {}, [el("tr", {}, ["Phiên bản", "Lưu lúc", "Người lưu", "Trạng thái", ""].map(function (t) { return el("th", { scope: "col", text: t }); }))]),
        el("tbody", {}, rows)
      ]), view, el("p", { "class": "actions" }, [close]));
    }

    async function showRevision(n, view) {
      var rev = await C.api("/admin/articles/" + encodeURIComponent(state.id) + "/revisions/" + n);
      var restore = el("button", { type: "button", "class": "primary", text: "Khôi phục phiên bản " + n });
      restore.addEventListener("click", function () {
        run(restore, async function () {
          if (o.dirty()) return say("Hãy lưu hoặc bỏ thay đổi đang soạn trước khi khôi phục một phiên bản.", true);
          var res = await C.request("/admin/articles/" + encodeURIComponent(state.id) + "/revisions/" + n + "/restore",
            { method: "POST", headers: { "If-Match": state.etag } });
          if (res.status === 412) return say("Chưa khôi phục: " + noun + " vừa được người khác sửa. Hãy tải lại trang.", true);
          if (!res.ok) return say("Chưa khôi phục. " + C.errorText(res), true);
          o.accept(res);
          say("Đã khôi phục phiên bản " + n + " thành phiên bản " + state.article.version + ".");
          revisions();
        });
      });
      // The revision itself, as text: what it said, not only how it differs.
      var whole = el("details", { "class": "revision-text" }, [
        el("summary", { text: "Toàn văn phiên bản " + n }),
        el("h4", { text: rev.title || "" }),
        el("p", { "class": "lead", text: rev.summary || "" }),
        el("div", { "class": "diff-text", text: Diff.bodyText(rev.body) })
      ]);
      view.replaceChildren(el("h3", { text: "Phiên bản " + n + " so với bản đang soạn" }),
        el("p", { text: "Lưu lúc " + C.vnTime(rev.updatedAt) + (rev.updatedBy ? " bởi " + rev.updatedBy : "") + "." }),
        Diff.table(rev, o.fields(), "phiên bản " + n, "bản đang soạn", o.names), whole, el("p", { "class": "actions" }, [restore]));
      view.querySelector("h3").tabIndex = -1;
      view.querySelector("h3").focus();
    }

    function update() {
      var a = state.article, st = a.status || "draft", role = u.role;
      var may = function (r) { return C.allowed(u, r); };
      var nodes = [o.saveButton, el("span", { "class": "badge", text: state.id ? STATUS[st][0] + (a.version ? " · phiên bản " + a.version : "") : "Chưa lưu" })];
      if (a.rejectionReason && st === "draft") nodes.push(el("span", { "class": "reason", text: "Bị trả lại: " + a.rejectionReason }));
      if (o.preview !== false) nodes.push(button("Xem trước", preview));
      if (st === "draft") nodes.push(button("Gửi duyệt", function () { return transition("submit", undefined, "Đã gửi duyệt."); }));
      if (may("publisher") && st !== "archived") {
        if (st !== "published") nodes.push(button("Đăng ngay", function () { return transition("publish", undefined, "Đã đăng."); }, "primary"));
        nodes.push(button("Hẹn giờ đăng…", publishAt));
        if (st === "in_review") nodes.push(button("Trả lại…", reject));
        if (st === "published" || st === "scheduled") nodes.push(button("Gỡ xuống", function () { return transition("unpublish", undefined, "Đã gỡ xuống."); }));
        nodes.push(button("Lưu trữ", function () { return transition("archive", undefined, "Đã đưa vào lưu trữ."); }));
      }
      if (state.id) nodes.push(button("Các phiên bản", revisions));
      if (role === "admin" && state.id) nodes.push(button("Xóa…", remove, "danger"));
      bar.replaceChildren.apply(bar, nodes);
    }

    return { node: bar, panels: panels, update: update, statusSlug: function () { return (STATUS[state.article.status] || [])[1]; } };
  }

  window.eportalFlow = { create: create };
})();
