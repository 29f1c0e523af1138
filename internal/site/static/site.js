// eportal reader site: what JavaScript adds to pages that work without it.
// - the view beacon: counts this page view once and shows the new count;
// - the poll form: votes through the JSON API and shows the results in place
//   (without JavaScript the form posts and the server redirects);
// - the print button.
// No framework, no third-party request, nothing inline (the CSP forbids it).
(function () {
  "use strict";

  // The path prefix the site is served under ("" or "/tin-tuc"): the pages
  // name it on <html data-base>, as every link they write carries it.
  var base = document.documentElement.getAttribute("data-base") || "";

  var fmt = function (n) { return Number(n).toLocaleString("vi-VN"); };

  // View beacon. keepalive lets the request finish if the reader leaves.
  var article = document.querySelector("article[data-slug]");
  if (article) {
    var slug = article.getAttribute("data-slug");
    fetch(base + "/articles/" + encodeURIComponent(slug) + "/views", {
      method: "POST", keepalive: true, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) {
        var el = article.querySelector("[data-views]");
        if (d && typeof d.views === "number" && el) { el.textContent = fmt(d.views); }
      })
      .catch(function () { /* the rolled-up count stays */ });
  }

  var printButton = document.querySelector("button.print");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var messages = {
    already_voted: "Bạn đã bình chọn trong cuộc thăm dò này.",
    poll_closed: "Cuộc thăm dò đã kết thúc.",
    poll_not_open: "Cuộc thăm dò chưa bắt đầu.",
    too_many_requests: "Địa chỉ mạng của bạn đã bình chọn quá nhiều lần.",
    invalid: "Lựa chọn không hợp lệ."
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function pct(p) { return Number(p).toFixed(1).replace(".", ","); }

  // showResults replaces the form's options with the poll's results, built
  // with textContent (labels are text, never HTML).
  function showResults(form, poll, note) {
    var box = form.querySelector(".poll-answer");
    box.textContent = "";
    box.appendChild(el("p", "notice ok", note));
    if (poll && poll.results) {
      var mine = {};
      (poll.yourChoices || []).forEach(function (c) { mine[c] = true; });
      box.appendChild(el("p", "total", fmt(poll.results.totalVoters) + " người đã bình chọn."));
      var ul = el("ul", "results");
      poll.results.options.forEach(function (o) {
        var li = el("li");
        var label = el("span", "label", o.label);
        if (mine[o.id]) { label.appendChild(el("em", null, " (bạn đã chọn)")); }
        var bar = el("progress");
        bar.max = 1000;
        bar.value = Math.round(o.percent * 10);
        bar.setAttribute("aria-label", o.label);
        bar.textContent = pct(o.percent) + "%";
        li.appendChild(label);
        li.appendChild(bar);
        li.appendChild(el("span", "pct", pct(o.percent) + "%"));
        li.appendChild(el("span", "votes", fmt(o.votes) + " phiếu"));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    } else if (poll) {
      box.appendChild(el("p", null, poll.resultsVisibleAfter === "vote"
        ? "Kết quả sẽ được công bố sau khi bạn bình chọn."
        : "Kết quả sẽ được công bố khi cuộc thăm dò kết thúc."));
    }
    var fieldset = form.querySelector("fieldset");
    var button = form.querySelector("button[type=submit]");
    if (fieldset) { fieldset.hidden = true; }
    if (button) { button.hidden = true; }
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  function showError(form, text) {
    var box = form.querySelector(".poll-answer");
    box.textContent = "";
    box.appendChild(el("p", "notice", text));
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-poll]"), function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var id = form.getAttribute("data-poll");
      var choices = Array.prototype.map.call(
        form.querySelectorAll("input[name=choice]:checked"), function (i) { return i.value; });
      if (choices.length === 0) { showError(form, "Bạn chưa chọn phương án nào."); return; }
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
      fetch(base + "/polls/" + encodeURIComponent(id) + "/votes", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ choices: choices })
      }).then(function (r) {
        return r.json().then(function (d) { return { status: r.status, d: d }; });
      }).then(function (x) {
        if (button) { button.disabled = false; }
        if (x.status === 200) { showResults(form, x.d.poll, "Cảm ơn bạn đã bình chọn."); return; }
        var code = x.d && x.d.error ? x.d.error.code : "";
        if (code === "already_voted") { showResults(form, x.d.poll, messages.already_voted); return; }
        showError(form, messages[code] || "Hệ thống đang bận, vui lòng thử lại sau giây lát.");
      }).catch(function () {
        // No answer from the API: post the form the way it works without
        // JavaScript (the server counts the vote once either way).
        form.submit();
      });
    });
  });
})();
