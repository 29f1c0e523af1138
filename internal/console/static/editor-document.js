// The document part of the editor (issue 14, docs/documents.md): a legal
// document ("văn bản") is an article of kind "document" whose title is its
// trích yếu; this fieldset edits what makes it one — số ký hiệu, loại,
// cơ quan ban hành, người ký, the three dates, lĩnh vực, the attached files
// (picked from the media library, media.js's pickFile) and the links to
// other documents (by id, or by looking up a published number with GET
// /documents?number=). The form holds the document in the admin API's
// shape (attachments and links as objects, so that they can be shown and
// compared); input() turns it into what POST and PUT /admin/articles take
// (ids). Used by editor.js.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el, notice = C.notice;

  // LINKS are the kinds of link, with the API's limits (portal.MaxDocumentReplaces,
  // MaxDocumentLinks).
  var LINKS = [
    { key: "replaces", label: "Thay thế", limit: 5 },
    { key: "amends", label: "Sửa đổi, bổ sung", limit: 10 },
    { key: "related", label: "Văn bản liên quan", limit: 10 }
  ];
  var MAX_FIELDS = 3, MAX_ATTACHMENTS = 10;
  var ID = /^[a-z0-9-]{1,64}$/;

  // types reads the managed lists of types and fields (GET /documents/types).
  async function types() {
    var r = await C.request("/documents/types");
    if (!r.ok) throw new Error("Không đọc được danh sách loại văn bản (" + r.status + ").");
    return { types: r.body.types || [], fields: r.body.fields || [] };
  }

  function ref(r) { return { id: r.id, number: r.number || "", title: r.title || "" }; }
  function attachment(f) { return { id: f.id, name: f.name || "", url: f.url || "", contentType: f.contentType || "", size: f.size || 0 }; }

  // of is the document part of an article as the API returns it, in the
  // form's shape (empty for a new document).
  function of(d) {
    d = d || {};
    var out = {
      number: d.number || "", type: d.type || "", issuer: d.issuer || "", signer: d.signer || "",
      issuedOn: d.issuedOn || "", effectiveOn: d.effectiveOn || "", expiresOn: d.expiresOn || "",
      fields: (d.fields || []).slice(), attachments: (d.attachments || []).map(attachment)
    };
    LINKS.forEach(function (l) { out[l.key] = (d[l.key] || []).map(ref); });
    return out;
  }

  // input is the document part of a request body: the form's document with
  // attachments and links as ids.
  function input(d) {
    var out = {
      number: d.number, type: d.type, issuer: d.issuer, signer: d.signer,
      issuedOn: d.issuedOn, effectiveOn: d.effectiveOn, expiresOn: d.expiresOn, fields: d.fields.slice(),
      attachments: d.attachments.map(function (a) { return a.id; })
    };
    LINKS.forEach(function (l) { out[l.key] = d[l.key].map(function (r) { return r.id; }); });
    return out;
  }

  function field(id, label, control, hint) {
    control.id = id;
    var parts = [el("label", { "for": id, text: label }), control];
    if (hint) {
      control.setAttribute("aria-describedby", id + "-goi-y");
      parts.push(el("span", { "class": "hint", id: id + "-goi-y", text: hint }));
    }
    return el("p", { "class": "field" }, parts);
  }

  // create makes the fieldset. o: lists (from types()), say(text, isError)
  // for what its buttons did, changed() after each change, self() the id
  // of the document being edited ("" before its first save).
  function create(o) {
    var number = el("input", { type: "text", maxlength: "60", autocomplete: "off", "aria-required": "true" });
    var type = el("select", { "aria-required": "true" }, [el("option", { value: "", text: "— Chọn loại văn bản —" })].concat(
      o.lists.types.map(function (t) { return el("option", { value: t.id, text: t.name }); })));
    var issuer = el("input", { type: "text", maxlength: "300", "aria-required": "true" });
    var signer = el("input", { type: "text", maxlength: "300" });
    var issuedOn = el("input", { type: "date", "aria-required": "true" });
    var effectiveOn = el("input", { type: "date" });
    var expiresOn = el("input", { type: "date" });
    var boxes = o.lists.fields.map(function (f) {
      var box = el("input", { type: "checkbox", value: f.id, id: "lv-" + f.id });
      box.addEventListener("change", function () {
        if (box.checked && checkedFields().length > MAX_FIELDS) {
          box.checked = false;
          o.say("Một văn bản có tối đa " + MAX_FIELDS + " lĩnh vực: hãy bỏ một lĩnh vực trước.", true);
          return;
        }
        o.changed();
      });
      return { box: box, node: el("li", {}, [box, el("label", { "for": box.id, text: f.name })]) };
    });
    function checkedFields() {
      return boxes.filter(function (b) { return b.box.checked; }).map(function (b) { return b.box.value; });
    }
    // A change is kept in the local draft; a field the API refused is
    // marked until it is changed. (A date picker or a select may fire
    // input, change or both.)
    [number, type, issuer, signer, issuedOn, effectiveOn, expiresOn].forEach(function (i) {
      ["input", "change"].forEach(function (ev) {
        i.addEventListener(ev, function () { i.removeAttribute("aria-invalid"); o.changed(); });
      });
    });

    // ------------------------------------------------------------ attachments
    var attachments = [];
    var fileList = el("ul", { "class": "doc-list", "aria-labelledby": "tep-dinh-kem-nhan" });
    var addFile = el("button", { type: "button", text: "Chọn hoặc tải tệp lên…" });
    function drawFiles() {
      fileList.replaceChildren.apply(fileList, attachments.length ? attachments.map(function (a, i) {
        var remove = el("button", { type: "button", "class": "danger", text: "Bỏ", "aria-label": "Bỏ tệp " + a.name });
        remove.addEventListener("click", function () {
          attachments.splice(i, 1);
          drawFiles();
          o.changed();
          o.say("Đã bỏ tệp “" + a.name + "” khỏi văn bản.");
          addFile.focus();
        });
        return el("li", {}, [
          el("a", { href: a.url, download: "", text: a.name }),
          el("span", { "class": "meta", text: (a.contentType === "application/pdf" ? "PDF" : /word/.test(a.contentType) ? "Word" : "Tệp") + " · " + C.sizeText(a.size) }),
          remove
        ]);
      }) : [el("li", { "class": "empty", text: "Chưa có tệp nào." })]);
    }
    addFile.addEventListener("click", async function () {
      if (attachments.length >= MAX_ATTACHMENTS) return o.say("Một văn bản có tối đa " + MAX_ATTACHMENTS + " tệp đính kèm.", true);
      try {
        if (!C.pickFile) throw new Error("Thư viện tệp chưa sẵn sàng.");
        var f = await C.pickFile({ title: "Chọn tệp đính kèm" });
        if (!f) return;
        if (attachments.some(function (a) { return a.id === f.id; })) return o.say("Tệp “" + f.name + "” đã được đính kèm.", true);
        attachments.push(attachment(f));
        drawFiles();
        o.changed();
        o.say("Đã đính kèm tệp “" + f.name + "” (" + C.sizeText(f.size) + ").");
      } catch (e) { o.say(e.message, true); }
    });

    // ------------------------------------------------------------ links
    var links = {};
    var linkLists = {};
    LINKS.forEach(function (l) {
      links[l.key] = [];
      linkLists[l.key] = el("ul", { "class": "doc-list", "aria-labelledby": "lk-" + l.key + "-nhan" });
    });
    var linkKind = el("select", {}, LINKS.map(function (l) { return el("option", { value: l.key, text: l.label }); }));
    var linkQuery = el("input", { type: "search", autocomplete: "off" });
    var find = el("button", { type: "button", text: "Tìm và thêm" });
    var found = el("div", { "class": "doc-found", "aria-live": "polite" });
    function labelOf(key) { return LINKS.filter(function (l) { return l.key === key; })[0].label; }
    function drawLinks(key) {
      var list = links[key];
      linkLists[key].replaceChildren.apply(linkLists[key], list.length ? list.map(function (r, i) {
        var remove = el("button", { type: "button", "class": "danger", text: "Bỏ", "aria-label": "Bỏ liên kết " + labelOf(key).toLowerCase() + " " + (r.number || r.id) });
        remove.addEventListener("click", function () {
          list.splice(i, 1);
          drawLinks(key);
          o.changed();
          o.say("Đã bỏ liên kết tới văn bản " + (r.number || r.id) + ".");
          linkQuery.focus();
        });
        return el("li", {}, [el("span", { "class": "number", text: r.number || r.id }), el("span", { text: r.title }), remove]);
      }) : [el("li", { "class": "empty", text: "Chưa có." })]);
    }
    // add links r under the chosen kind, unless that cannot be saved.
    function add(r) {
      var key = linkKind.value, l = LINKS.filter(function (x) { return x.key === key; })[0];
      if (r.id === o.self()) return o.say("Văn bản không thể liên kết tới chính nó.", true);
      for (var i = 0; i < LINKS.length; i++) {
        if (links[LINKS[i].key].some(function (x) { return x.id === r.id; })) {
          return o.say("Văn bản " + (r.number || r.id) + " đã có trong “" + LINKS[i].label + "”.", true);
        }
      }
      if (links[key].length >= l.limit) return o.say("“" + l.label + "” có tối đa " + l.limit + " văn bản.", true);
      links[key].push(ref(r));
      drawLinks(key);
      found.replaceChildren();
      linkQuery.value = "";
      o.changed();
      o.say("Đã thêm văn bản " + (r.number || r.id) + " vào “" + l.label + "”.");
      linkQuery.focus();
    }
    // lookup finds the documents q names: the one with id q (any status,
    // GET /admin/articles/{id}) and the published ones numbered q (GET
    // /documents?number=; one per year of issue).
    async function lookup() {
      var q = linkQuery.value.trim();
      found.replaceChildren();
      if (!q) return o.say("Hãy nhập số ký hiệu (như 04-BC/TU) hoặc mã của văn bản cần liên kết.", true);
      var matches = [], seen = {};
      var keep = function (r) { if (!seen[r.id]) { seen[r.id] = true; matches.push(r); } };
      if (ID.test(q)) {
        var byID = await C.request("/admin/articles/" + encodeURIComponent(q));
        if (byID.ok && byID.body.kind === "document" && byID.body.document) {
          keep({ id: byID.body.id, number: byID.body.document.number, title: byID.body.title, issuedOn: byID.body.document.issuedOn });
        }
      }
      var byNumber = await C.request("/documents?" + C.form({ number: q, limit: 10 }));
      if (byNumber.ok) (byNumber.body.items || []).forEach(keep);
      if (!matches.length) {
        found.replaceChildren(notice("Không tìm thấy văn bản đã đăng có số ký hiệu “" + q + "”, cũng không có văn bản nào có mã này.", true));
        return;
      }
      if (matches.length === 1) return add(matches[0]);
      // One number in several years: the editor chooses.
      found.replaceChildren(el("p", { text: "Có " + matches.length + " văn bản; chọn văn bản cần thêm:" }), el("ul", {}, matches.map(function (r) {
        var b = el("button", { type: "button", text: "Thêm " + r.number + (r.issuedOn ? " (ban hành " + r.issuedOn.split("-").reverse().join("/") + ")" : "") + ": " + r.title });
        b.addEventListener("click", function () { add(r); });
        return el("li", {}, [b]);
      })));
      found.querySelector("button").focus();
    }
    async function runLookup() {
      find.disabled = true;
      try { await lookup(); } catch (e) { o.say("Không tìm được văn bản: " + e.message, true); } finally { find.disabled = false; }
    }
    find.addEventListener("click", runLookup);
    // Enter in the look-up box looks up rather than saving the whole form.
    linkQuery.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); runLookup(); }
    });

    var node = el("fieldset", { "class": "document" }, [
      el("legend", { text: "Thông tin văn bản" }),
      el("div", { "class": "doc-grid" }, [
        field("so-ky-hieu", "Số ký hiệu", number, "Như 04-BC/TU; không trùng với văn bản khác ban hành cùng năm."),
        field("loai-van-ban", "Loại văn bản", type),
        field("co-quan-ban-hanh", "Cơ quan ban hành", issuer),
        field("nguoi-ky", "Người ký", signer)
      ]),
      el("div", { "class": "doc-dates" }, [
        field("ngay-ban-hanh", "Ngày ban hành", issuedOn),
        field("ngay-hieu-luc", "Ngày có hiệu lực", effectiveOn, "Để trống: từ ngày ban hành."),
        field("ngay-het-hieu-luc", "Ngày hết hiệu lực", expiresOn, "Để trống nếu không hết hiệu lực.")
      ]),
      el("fieldset", { "class": "doc-fields" }, [el("legend", { text: "Lĩnh vực (tối đa " + MAX_FIELDS + ")" }), el("ul", {}, boxes.map(function (b) { return b.node; }))]),
      el("div", { "class": "doc-part" }, [
        el("p", { "class": "label", id: "tep-dinh-kem-nhan", text: "Tệp đính kèm" }), fileList,
        el("p", { "class": "actions" }, [addFile])
      ]),
      el("div", { "class": "doc-part doc-links" }, LINKS.map(function (l) {
        return el("div", {}, [el("p", { "class": "label", id: "lk-" + l.key + "-nhan", text: l.label }), linkLists[l.key]]);
      }).concat([
        el("div", { "class": "doc-add" }, [
          field("lk-loai", "Thêm liên kết", linkKind),
          field("lk-tim", "Số ký hiệu hoặc mã văn bản", linkQuery, "Số ký hiệu của một văn bản đã đăng, hoặc mã của văn bản (cuối địa chỉ trang sửa văn bản)."),
          el("p", { "class": "actions" }, [find])
        ]),
        found
      ]))
    ]);

    function get() {
      var out = {
        number: number.value, type: type.value, issuer: issuer.value, signer: signer.value,
        issuedOn: issuedOn.value, effectiveOn: effectiveOn.value, expiresOn: expiresOn.value,
        fields: checkedFields(), attachments: attachments.map(attachment)
      };
      LINKS.forEach(function (l) { out[l.key] = links[l.key].map(ref); });
      return out;
    }
    function set(d) {
      d = of(d);
      number.value = d.number; type.value = d.type; issuer.value = d.issuer; signer.value = d.signer;
      issuedOn.value = d.issuedOn; effectiveOn.value = d.effectiveOn; expiresOn.value = d.expiresOn;
      boxes.forEach(function (b) { b.box.checked = d.fields.indexOf(b.box.value) >= 0; });
      attachments = d.attachments;
      drawFiles();
      LINKS.forEach(function (l) { links[l.key] = d[l.key]; drawLinks(l.key); });
      found.replaceChildren();
    }

    // missing returns the sentence for the first required field left empty
    // (and focuses it), or "" when there is none. A save calls it first:
    // the marks of the last refusal go.
    function missing() {
      node.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
      var req = [[number, "số ký hiệu"], [type, "loại văn bản"], [issuer, "cơ quan ban hành"], [issuedOn, "ngày ban hành"]];
      for (var i = 0; i < req.length; i++) {
        if (!req[i][0].value.trim()) {
          req[i][0].setAttribute("aria-invalid", "true");
          req[i][0].focus();
          return "Hãy nhập " + req[i][1] + " trước khi lưu.";
        }
      }
      return "";
    }

    // REFUSALS say in Vietnamese what the API refused of a document (its
    // messages are English, internal/articleinput, portal, dynamo), and
    // which control to put right.
    var REFUSALS = [
      [/Another document has the number (.+) in (\d{4})/, function (m) { return "Số ký hiệu " + m[1] + " đã có văn bản khác ban hành năm " + m[2] + " dùng."; }, number],
      [/number \(số ký hiệu\)|document\.number/, function () { return "Số ký hiệu không hợp lệ."; }, number],
      [/document\.type/, function () { return "Loại văn bản không có trong danh sách."; }, type],
      [/document\.issuer/, function () { return "Cơ quan ban hành không hợp lệ."; }, issuer],
      [/document\.signer/, function () { return "Người ký không hợp lệ."; }, signer],
      [/effectiveOn \(ngày có hiệu lực\) \S+ is before/, function () { return "Ngày có hiệu lực không thể trước ngày ban hành."; }, effectiveOn],
      [/expiresOn/, function () { return "Ngày hết hiệu lực phải sau ngày văn bản có hiệu lực."; }, expiresOn],
      [/effectiveOn/, function () { return "Ngày có hiệu lực không hợp lệ."; }, effectiveOn],
      [/issuedOn/, function () { return "Ngày ban hành không hợp lệ."; }, issuedOn],
      [/document\.fields/, function () { return "Lĩnh vực không hợp lệ."; }, null],
      [/document\.attachments/, function () { return "Tệp đính kèm không dùng được: hãy bỏ tệp đó và chọn một tệp PDF, DOC hoặc DOCX đã xử lý xong."; }, addFile],
      [/replace itself|link to itself/, function () { return "Văn bản không thể thay thế chính nó, trực tiếp hay qua một chuỗi văn bản thay thế nhau."; }, linkQuery],
      [/document \S+ does not exist|document\.(replaces|amends|related)|both in/, function () { return "Một văn bản được liên kết không dùng được."; }, linkQuery]
    ];
    // refusal is the Vietnamese sentence for a refused save of the
    // document, or "" when the refusal is not about it; it marks and
    // focuses the control concerned.
    function refusal(res) {
      var msg = (res.body && res.body.error && res.body.error.message) || "";
      for (var i = 0; i < REFUSALS.length; i++) {
        var m = REFUSALS[i][0].exec(msg);
        if (!m) continue;
        var control = REFUSALS[i][2];
        if (control) {
          if (control.tagName !== "BUTTON") control.setAttribute("aria-invalid", "true");
          control.focus();
        }
        return REFUSALS[i][1](m);
      }
      return "";
    }

    set(null);
    return { node: node, get: get, set: set, missing: missing, refusal: refusal, number: number };
  }

  window.eportalDocument = { create: create, types: types, of: of, input: input, LINKS: LINKS };
})();
