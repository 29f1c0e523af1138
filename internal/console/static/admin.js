// What the admins' pages (admin-*.js) and the media library (media.js)
// share: labelled fields, the alert a failed save writes into, inline
// confirmation of a delete, Vietnam-time inputs and uncached reads of the
// public lists. Loaded after console.js and before the pages that use it.
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el;
  var seq = 0;

  // Vietnam has no daylight saving time: its offset is always +07:00.
  var VN_OFFSET = 7 * 3600 * 1000;

  var A = window.eportalAdmin = {
    // field is a control with its label (and a hint tied to it by
    // aria-describedby).
    field: function (label, control, hint) {
      if (!control.id) control.id = "truong-" + (++seq);
      var kids = [el("label", { "for": control.id, text: label }), control];
      if (hint) {
        var h = el("p", { "class": "hint", id: control.id + "-goi-y", text: hint });
        control.setAttribute("aria-describedby", h.id);
        kids.push(h);
      }
      return el("div", { "class": "field" }, kids);
    },

    // select is a <select> of [{value, label}] with value chosen.
    select: function (options, value) {
      var s = el("select", {});
      options.forEach(function (o) {
        var opt = el("option", { value: o.value, text: o.label });
        if (String(o.value) === String(value)) opt.selected = true;
        s.appendChild(opt);
      });
      return s;
    },

    // alertBox is where a form or a list says what went wrong; it is in the
    // page before anything is written into it, so screen readers announce
    // the text when it appears.
    alertBox: function () {
      return el("div", { "class": "form-error", role: "alert", tabindex: "-1" });
    },
    // statusBox is where a page says what it has just done.
    statusBox: function () {
      return el("p", { "class": "form-status", role: "status", tabindex: "-1" });
    },
    say: function (box, text) { box.textContent = text || ""; },

    // problem is the sentence for a failed write: what failed, then why.
    problem: function (what, e) {
      if (e && e.status === 412) {
        return what + " Có người khác vừa sửa mục này; hãy tải lại trang rồi làm lại. (" + e.message + ")";
      }
      if (e && e.status === 403) return what + " Bạn không có quyền làm việc này.";
      if (e && !e.status) return what + " Không kết nối được máy chủ; hãy thử lại.";
      return what + " " + (e && e.message || "");
    },

    // busy disables a form's buttons while its request runs, so a double
    // click sends it once.
    busy: function (form, on) {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = on; });
      form.setAttribute("aria-busy", on ? "true" : "false");
    },

    // confirm replaces button with a question and two buttons; yes runs
    // onYes, no puts the button back. Keyboard focus follows.
    confirm: function (button, question, yesLabel, onYes) {
      var holder = el("span", { "class": "confirm", role: "group", "aria-label": question });
      var yes = el("button", { type: "button", "class": "danger", text: yesLabel });
      var no = el("button", { type: "button", text: "Không" });
      holder.append(el("span", { text: question + " " }), yes, " ", no);
      no.addEventListener("click", function () { holder.replaceWith(button); button.focus(); });
      yes.addEventListener("click", function () {
        yes.disabled = no.disabled = true;
        onYes(function restore() { holder.replaceWith(button); button.focus(); });
      });
      button.replaceWith(holder);
      yes.focus();
    },

    // button is a <button type=button> that runs onClick.
    button: function (text, onClick, attrs) {
      var b = el("button", Object.assign({ type: "button", text: text }, attrs || {}));
      b.addEventListener("click", onClick);
      return b;
    },

    // list reads the category tree or the links (path "/categories",
    // "/links") from the admin API's uncached routes: the public ones come
    // through the edge, cached for minutes, which would hide another
    // admin's change and send a stale If-Match.
    list: async function (path) {
      return (await C.api("/admin" + path)).items || [];
    },

    // ifMatch is the If-Match header for an entity's version.
    ifMatch: function (version) { return { "If-Match": '"' + (version || 1) + '"' }; },

    // toInput turns an RFC 3339 time into a datetime-local value in Vietnam
    // time; fromInput does the reverse ("" for an empty input).
    toInput: function (iso) {
      if (!iso) return "";
      return new Date(new Date(iso).getTime() + VN_OFFSET).toISOString().slice(0, 16);
    },
    fromInput: function (value) {
      if (!value) return "";
      var t = Date.parse(value + ":00Z");
      if (isNaN(t)) return null;
      return new Date(t - VN_OFFSET).toISOString().replace(".000Z", "Z");
    },

    // page shows a page's heading with its status and alert boxes and
    // returns them, for pages drawn in parts.
    page: function (title, parts) {
      var h1 = el("h1", { text: title });
      var status = A.statusBox(), alert = A.alertBox();
      C.show([h1, status, alert].concat(parts || []));
      return { h1: h1, status: status, alert: alert };
    }
  };
})();
