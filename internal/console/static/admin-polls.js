// Bình chọn: every poll (GET /admin/polls), one poll with its counts
// (GET /admin/polls/{id}), creating (POST), changing (PUT with If-Match),
// closing and deleting one. Pages: binh-chon, binh-chon?tao=1 and
// binh-chon?id=<id>.
"use strict";
(function () {
  var C = window.eportalConsole, A = window.eportalAdmin, el = C.el, form = C.form, root = C.root;
  var PAGE = root + "binh-chon";
  var MAX_OPTIONS = 20;
  // flash is what the next page drawn says was done (a create or delete
  // moves to another page).
  var flash = "";

  var STATES = { upcoming: "Sắp mở", open: "Đang mở", closed: "Đã đóng" };
  var RESULTS = [
    { value: "always", label: "Luôn hiện kết quả" },
    { value: "after_vote", label: "Hiện sau khi người đọc đã bình chọn" },
    { value: "after_close", label: "Chỉ hiện khi đã đóng bình chọn" }
  ];
  var DEDUPE = [
    { value: "token", label: "Mỗi trình duyệt một lần (mặc định)" },
    { value: "ip", label: "Mỗi địa chỉ mạng và trình duyệt một lần" },
    { value: "both", label: "Cả hai điều trên" }
  ];

  function takeFlash(box) {
    if (flash) {
      A.say(box.status, flash);
      box.status.focus();
    }
    flash = "";
  }

  async function render(r) {
    if (r.query.get("tao")) return renderCreate();
    if (r.query.get("id")) return renderPoll(r.query.get("id"));
    return renderList(r);
  }

  async function renderList(r) {
    var current = C.current();
    var box = A.page("Bình chọn", [C.notice("Đang tải danh sách bình chọn…")]);
    var page;
    try {
      page = await C.api("/admin/polls?" + form({ limit: 20 }) + (r.cursor ? "&" + form({ cursor: r.cursor }) : ""));
    } catch (e) {
      if (current()) A.say(box.alert, "Không tải được danh sách bình chọn. " + e.message);
      return;
    }
    if (!current()) return;
    var items = page.items || [];
    var parts = [el("p", {}, [el("a", { "class": "button primary", href: PAGE + "?tao=1", text: "Tạo bình chọn mới" })])];
    if (!items.length) {
      parts.push(el("p", { "class": "empty", text: "Chưa có bình chọn nào." }));
    } else {
      parts.push(el("table", { "class": "polls" }, [
        el("caption", { text: "Các bình chọn, mới nhất trước" }),
        el("thead", {}, [el("tr", {}, ["Câu hỏi", "Trạng thái", "Mở lúc", "Đóng lúc"].map(function (t) {
          return el("th", { scope: "col", text: t });
        }))]),
        el("tbody", {}, items.map(function (p) {
          return el("tr", { "data-id": p.id }, [
            el("td", {}, [el("a", { href: PAGE + "?" + form({ id: p.id }), text: p.question })]),
            el("td", {}, [el("span", { "class": "state " + p.state, text: STATES[p.state] || p.state })]),
            el("td", { "class": "time", text: C.vnTime(p.opensAt) }),
            el("td", { "class": "time", text: p.closesAt ? C.vnTime(p.closesAt) : "Không hạn" })
          ]);
        }))
      ]));
    }
    var pager = el("div", { "class": "pager" });
    if (r.cursor) pager.append(el("a", { "class": "button", href: PAGE, text: "Về trang đầu" }));
    if (page.nextCursor) pager.append(el("a", { "class": "button", href: PAGE + "?" + form({ sau: page.nextCursor }), text: "Trang sau" }));
    if (pager.childNodes.length) parts.push(pager);
    box = A.page("Bình chọn", parts);
    takeFlash(box);
  }

  function renderCreate() {
    A.page("Tạo bình chọn mới", [
      el("p", {}, [el("a", { href: PAGE, text: "← Danh sách bình chọn" })])
    ]);
    C.main.append(pollForm(null, function (p) {
      flash = "Đã tạo bình chọn “" + p.question + "”.";
      C.navigate(PAGE + "?" + form({ id: p.id }));
    }));
    C.main.querySelector("textarea").focus();
  }

  async function renderPoll(id) {
    var current = C.current();
    var box = A.page("Bình chọn", [C.notice("Đang tải bình chọn…")]);
    var p;
    try {
      p = await C.api("/admin/polls/" + encodeURIComponent(id));
    } catch (e) {
      if (!current()) return;
      A.page("Bình chọn", [el("p", {}, [el("a", { href: PAGE, text: "← Danh sách bình chọn" })])]);
      A.say(C.main.querySelector("[role=alert]"), (e.status === 404 ? "Không có bình chọn này." : "Không tải được bình chọn. ") + (e.status === 404 ? "" : e.message));
      return;
    }
    if (!current()) return;
    box = A.page(p.question, [
      el("p", {}, [el("a", { href: PAGE, text: "← Danh sách bình chọn" })]),
      summary(p),
      results(p),
      actions(p),
      p.status === "closed" ?
        el("p", { "class": "empty", text: "Bình chọn đã đóng nên không sửa được nữa." }) :
        el("section", { "class": "panel" }, [pollForm(p, function (saved) {
          flash = "Đã lưu bình chọn “" + saved.question + "”.";
          renderPoll(saved.id);
        })])
    ]);
    box.h1.prepend(el("span", { "class": "kicker", text: "Bình chọn: " }));
    takeFlash(box);

    function actions(p) {
      var div = el("div", { "class": "form-actions" });
      if (p.status !== "closed") {
        var close = A.button("Đóng bình chọn", function () {
          A.confirm(close, "Đóng bình chọn này? Sau khi đóng, người đọc không bình chọn được nữa.", "Đóng", async function (restore) {
            try {
              await C.api("/admin/polls/" + encodeURIComponent(p.id) + "/close", { method: "POST", headers: A.ifMatch(p.version) });
            } catch (e) {
              restore();
              A.say(box.alert, A.problem("Không đóng được bình chọn.", e));
              box.alert.focus();
              return;
            }
            flash = "Đã đóng bình chọn.";
            renderPoll(p.id);
          });
        });
        div.append(close);
      }
      var del = A.button("Xóa bình chọn", function () {
        A.confirm(del, "Xóa hẳn bình chọn này cùng mọi kết quả?", "Xóa", async function (restore) {
          try {
            await C.api("/admin/polls/" + encodeURIComponent(p.id), { method: "DELETE", headers: A.ifMatch(p.version) });
          } catch (e) {
            restore();
            A.say(box.alert, A.problem("Không xóa được bình chọn.", e));
            box.alert.focus();
            return;
          }
          flash = "Đã xóa bình chọn “" + p.question + "”.";
          C.navigate(PAGE);
        });
      }, { "class": "danger" });
      div.append(del);
      return div;
    }
  }

  function summary(p) {
    var rows = [
      ["Trạng thái", STATES[p.state] || p.state],
      ["Mở lúc", C.vnTime(p.opensAt)],
      ["Đóng lúc", p.closesAt ? C.vnTime(p.closesAt) : "Không hạn (đến khi quản trị đóng)"],
      ["Số lựa chọn tối đa", String(p.maxChoices)],
      ["Kết quả", (RESULTS.filter(function (x) { return x.value === p.resultsPolicy; })[0] || { label: p.resultsPolicy }).label],
      ["Chống bình chọn lặp", (DEDUPE.filter(function (x) { return x.value === p.dedupe; })[0] || { label: p.dedupe }).label],
      ["Mã bình chọn", p.id]
    ];
    return el("dl", { "class": "facts" }, rows.reduce(function (out, x) {
      return out.concat([el("dt", { text: x[0] }), el("dd", { text: x[1] })]);
    }, []));
  }

  function results(p) {
    var t = p.tally || { options: [], totalVoters: 0, totalVotes: 0 };
    return el("table", { "class": "results" }, [
      el("caption", { text: "Kết quả: " + t.totalVoters + " người bình chọn, " + t.totalVotes + " phiếu" }),
      el("thead", {}, [el("tr", {}, [
        el("th", { scope: "col", text: "Lựa chọn" }), el("th", { scope: "col", "class": "num", text: "Số phiếu" }), el("th", { scope: "col", "class": "num", text: "Tỉ lệ" })
      ])]),
      el("tbody", {}, (t.options || []).map(function (o) {
        return el("tr", {}, [
          el("td", { text: o.label }),
          el("td", { "class": "num", text: String(o.votes) }),
          el("td", { "class": "num", text: Number(o.percent).toFixed(1).replace(".", ",") + " %" })
        ]);
      }))
    ]);
  }

  // pollForm creates a poll (p null) or changes p; done gets the saved
  // poll. A failed save keeps what was typed.
  function pollForm(p, done) {
    var question = el("textarea", { rows: "2", required: "", maxlength: "500" });
    var list = el("ol", { "class": "options" });
    var addB = A.button("Thêm lựa chọn", function () { addOption(null).querySelector("input").focus(); });
    var optionsSet = el("fieldset", {}, [el("legend", { text: "Các lựa chọn (từ 2 đến " + MAX_OPTIONS + ")" }), list, addB]);
    var maxChoices = el("input", { type: "number", min: "1", max: String(MAX_OPTIONS), step: "1", value: "1", inputmode: "numeric" });
    var opensAt = el("input", { type: "datetime-local" });
    var closesAt = el("input", { type: "datetime-local" });
    var resultsPolicy = A.select(RESULTS, p ? p.resultsPolicy : "always");
    var dedupe = A.select(DEDUPE, p ? p.dedupe : "token");
    var perAddress = el("input", { type: "number", min: "1", max: "100000", step: "1", value: "100", inputmode: "numeric" });
    var err = A.alertBox();
    var actions = el("div", { "class": "form-actions" }, [el("button", { type: "submit", "class": "primary", text: p ? "Lưu thay đổi" : "Tạo bình chọn" })]);

    function renumber() {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, i) {
        li.querySelector("label").textContent = "Lựa chọn " + (i + 1);
        li.querySelector("button").setAttribute("aria-label", "Bỏ lựa chọn " + (i + 1));
        li.querySelector("button").disabled = items.length <= 2;
      });
      addB.disabled = items.length >= MAX_OPTIONS;
    }
    function addOption(o) {
      var input = el("input", { type: "text", maxlength: "200", autocomplete: "off" });
      if (o) {
        input.value = o.label;
        input.dataset.option = o.id;
      }
      var li = el("li", {}, [A.field("Lựa chọn", input), A.button("Bỏ", function () {
        var next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        renumber();
        if (next) next.querySelector("input").focus();
      })]);
      list.append(li);
      renumber();
      return li;
    }

    if (p) {
      question.value = p.question;
      p.options.forEach(addOption);
      maxChoices.value = p.maxChoices;
      opensAt.value = A.toInput(p.opensAt);
      closesAt.value = A.toInput(p.closesAt);
      perAddress.value = p.votesPerAddress;
    } else {
      addOption(null);
      addOption(null);
    }

    var f = el("form", { "class": "admin-form", novalidate: "" }, [
      el("h2", { text: p ? "Sửa bình chọn" : "Nội dung bình chọn" }),
      A.field("Câu hỏi", question),
      optionsSet,
      A.field("Mỗi người chọn tối đa", maxChoices, "1: chỉ chọn một. Không đổi được khi đã có người bình chọn."),
      A.field("Mở lúc (giờ Việt Nam)", opensAt, "Để trống: mở ngay."),
      A.field("Đóng lúc (giờ Việt Nam)", closesAt, "Để trống: không hạn, đến khi quản trị đóng. Tối đa một năm sau khi tạo."),
      A.field("Hiện kết quả cho người đọc", resultsPolicy),
      A.field("Chống bình chọn lặp", dedupe, "Không đổi được khi đã có người bình chọn."),
      A.field("Số phiếu tối đa từ một địa chỉ mạng", perAddress, "Một cơ quan dùng chung một địa chỉ mạng được chừng này phiếu."),
      err, actions
    ]);

    function fail(text, focus) {
      A.say(err, text);
      if (focus) focus.focus(); else err.focus();
    }

    f.addEventListener("submit", async function (e) {
      e.preventDefault();
      A.say(err, "");
      var body = { question: question.value.trim(), options: [], resultsPolicy: resultsPolicy.value, dedupe: dedupe.value };
      if (!body.question) return fail("Hãy nhập câu hỏi.", question);
      // A new option takes the lowest number no option of the poll has.
      var inputs = list.querySelectorAll("input"), used = {}, nextID = 1;
      (p ? p.options : []).forEach(function (o) { used[o.id] = true; });
      inputs.forEach(function (i) { if (i.dataset.option) used[i.dataset.option] = true; });
      for (var k = 0; k < inputs.length; k++) {
        var label = inputs[k].value.trim();
        if (!label) return fail("Lựa chọn " + (k + 1) + " đang trống: hãy điền hoặc bỏ nó.", inputs[k]);
        var id = inputs[k].dataset.option;
        while (!id) {
          if (!used[String(nextID)]) { id = String(nextID); used[id] = true; }
          nextID++;
        }
        body.options.push({ id: id, label: label });
      }
      if (body.options.length < 2) return fail("Một bình chọn cần ít nhất 2 lựa chọn.", addB);
      var mc = Number(maxChoices.value);
      if (!Number.isInteger(mc) || mc < 1 || mc > body.options.length) {
        return fail("Số lựa chọn tối đa phải từ 1 đến " + body.options.length + ".", maxChoices);
      }
      body.maxChoices = mc;
      var per = Number(perAddress.value);
      if (!Number.isInteger(per) || per < 1 || per > 100000) return fail("Số phiếu tối đa từ một địa chỉ mạng phải từ 1 đến 100000.", perAddress);
      body.votesPerAddress = per;
      var o = A.fromInput(opensAt.value), c = A.fromInput(closesAt.value);
      if (o === null) return fail("Thời điểm mở không hợp lệ.", opensAt);
      if (c === null) return fail("Thời điểm đóng không hợp lệ.", closesAt);
      if (o) body.opensAt = o;
      else if (p) body.opensAt = p.opensAt; // an edit keeps the opening it had
      if (c) body.closesAt = c;
      if (c && Date.parse(c) <= Date.parse(body.opensAt || new Date().toISOString())) {
        return fail("Thời điểm đóng phải sau thời điểm mở.", closesAt);
      }
      A.busy(f, true);
      var saved;
      try {
        saved = p ?
          await C.api("/admin/polls/" + encodeURIComponent(p.id), { method: "PUT", body: body, headers: A.ifMatch(p.version) }) :
          await C.api("/admin/polls", { method: "POST", body: body });
      } catch (ex) {
        A.busy(f, false);
        renumber();
        return fail(A.problem(p ? "Không lưu được bình chọn." : "Không tạo được bình chọn.", ex));
      }
      done(saved);
    });
    return f;
  }

  C.register({
    section: "Quản trị",
    role: "admin",
    nav: function (r) { return [{ href: PAGE, label: "Bình chọn", current: r.page === "binh-chon" }]; },
    matches: function (r) { return r.page === "binh-chon"; },
    render: render
  });
})();
