// The editors' console: signs in with the authorization-code flow and PKCE
// (S256) against config.json's sign-in pages, keeps the tokens in
// sessionStorage (gone when the tab closes), refreshes them before they
// expire, and shows the desk from the /admin API.
"use strict";
(function () {
  var base = document.querySelector('meta[name="eportal-base"]').content;
  var root = base + "/quan-tri/";
  var store = window.sessionStorage;
  var TOKENS = "eportal.console.tokens", PKCE = "eportal.console.pkce", SIGNED_OUT = "eportal.console.signedOut";
  var config = null, tokens = null, refreshTimer = 0;
  // shown counts the pages shown: a list that arrives after the editor has
  // moved on to another page is dropped rather than drawn over it.
  var shown = 0, renderedAt = "";
  var main = document.getElementById("noi-dung");

  var ROLE_LABELS = { admin: "Quản trị", publisher: "Người duyệt", editor: "Biên tập viên" };

  // ---------------------------------------------------------------- helpers
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }
  function show(nodes) {
    main.replaceChildren.apply(main, nodes);
  }
  function notice(text, isError) {
    return el("p", { "class": isError ? "notice error" : "notice", role: isError ? "alert" : "status", text: text });
  }
  function b64url(bytes) {
    var s = "";
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function random() {
    return b64url(crypto.getRandomValues(new Uint8Array(32)));
  }
  function claims(jwt) {
    var part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    var bin = atob(part), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(bytes));
  }
  function form(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }
  var timeFormat = new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric", hour12: false
  });
  function vnTime(iso) {
    if (!iso) return "";
    var p = {};
    timeFormat.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p.hour + ":" + p.minute + " " + p.day + "/" + p.month + "/" + p.year;
  }

  // ---------------------------------------------------------------- sign-in
  function saveTokens(t) {
    tokens = t;
    store.setItem(TOKENS, JSON.stringify(t));
    scheduleRefresh();
  }
  function loadTokens() {
    try { tokens = JSON.parse(store.getItem(TOKENS)); } catch (e) { tokens = null; }
    return tokens;
  }
  function clearTokens() {
    tokens = null;
    store.removeItem(TOKENS);
    clearTimeout(refreshTimer);
  }

  async function signIn() {
    var verifier = random(), state = random();
    var digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    store.setItem(PKCE, JSON.stringify({ verifier: verifier, state: state, back: location.pathname + location.search }));
    location.assign(config.authorizeUrl + "?" + form({
      response_type: "code", client_id: config.clientId, redirect_uri: config.redirectUri, scope: config.scope,
      state: state, code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: "S256"
    }));
  }

  async function tokenRequest(params) {
    var r = await fetch(config.tokenUrl, {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form(params)
    });
    if (!r.ok) throw new Error("token endpoint answered " + r.status);
    var t = await r.json();
    if (!t.id_token) throw new Error("no id_token");
    return t;
  }

  function keep(t, refreshToken) {
    saveTokens({
      idToken: t.id_token, accessToken: t.access_token, refreshToken: t.refresh_token || refreshToken,
      expiresAt: Date.now() + (t.expires_in || 3600) * 1000
    });
  }

  // callback finishes a sign-in when the URL carries the code; it returns
  // false when there is no code to finish.
  async function callback() {
    var q = new URLSearchParams(location.search);
    if (!q.has("code") && !q.has("error")) return false;
    var pkce = null;
    try { pkce = JSON.parse(store.getItem(PKCE)); } catch (e) { pkce = null; }
    store.removeItem(PKCE);
    history.replaceState(null, "", root);
    if (q.has("error")) throw new Error("Đăng nhập không thành công (" + q.get("error") + ").");
    if (!pkce || q.get("state") !== pkce.state) throw new Error("Phiên đăng nhập không khớp (state). Hãy đăng nhập lại.");
    var t = await tokenRequest({
      grant_type: "authorization_code", client_id: config.clientId, code: q.get("code"),
      redirect_uri: config.redirectUri, code_verifier: pkce.verifier
    });
    keep(t);
    if (pkce.back && pkce.back.indexOf(root) === 0) history.replaceState(null, "", pkce.back);
    return true;
  }

  async function refresh() {
    if (!tokens || !tokens.refreshToken) throw new Error("no refresh token");
    var t = await tokenRequest({ grant_type: "refresh_token", client_id: config.clientId, refresh_token: tokens.refreshToken });
    keep(t, tokens.refreshToken);
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    if (!tokens) return;
    var wait = Math.max(tokens.expiresAt - Date.now() - 120000, 5000);
    refreshTimer = setTimeout(function () {
      refresh().catch(function () { clearTokens(); signIn(); });
    }, wait);
  }

  // DRAFTS prefixes the article editor's unsaved work in localStorage
  // (editor.js), which outlives the tab on purpose.
  var DRAFTS = "eportal.console.draft.";
  function draftKeys() {
    var keys = [];
    for (var i = 0; i < localStorage.length; i++) {
      if (localStorage.key(i).indexOf(DRAFTS) === 0) keys.push(localStorage.key(i));
    }
    return keys;
  }

  // signOut ends the session. Unsaved drafts kept on this machine go with
  // it, after asking: on a shared computer the next person must not find
  // them.
  function signOut() {
    var drafts = draftKeys();
    if (drafts.length && !window.confirm("Trên máy này còn " + drafts.length + " bài đang soạn chưa lưu. " +
      "Đăng xuất sẽ xóa chúng khỏi máy. Vẫn đăng xuất?")) return;
    drafts.forEach(function (k) { localStorage.removeItem(k); });
    clearTokens();
    // Back from the logout page, the console says so rather than sending
    // the browser straight to the sign-in page again.
    store.setItem(SIGNED_OUT, "1");
    location.assign(config.logoutUrl + "?" + form({ client_id: config.clientId, logout_uri: config.logoutUri }));
  }

  // request calls the API with the ID token, refreshing it first when it is
  // about to expire, and once more after a 401. opts: method, body (sent as
  // JSON unless it is a Blob or string), headers. It resolves to
  // {status, ok, headers, body} whatever the status; only a network failure
  // rejects.
  async function request(path, opts) {
    opts = opts || {};
    if (tokens.expiresAt - Date.now() < 60000) await refresh();
    var headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    var body = opts.body;
    if (body !== undefined && typeof body !== "string" && !(body instanceof Blob)) {
      body = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    var call = function () {
      headers.Authorization = "Bearer " + tokens.idToken;
      return fetch(config.apiBase + path, { method: opts.method || "GET", headers: headers, body: body });
    };
    var r = await call();
    if (r.status === 401 && tokens.refreshToken) {
      await refresh();
      r = await call();
    }
    var text = await r.text();
    var parsed = {};
    try { parsed = text ? JSON.parse(text) : {}; } catch (e) { parsed = { raw: text }; }
    return { status: r.status, ok: r.ok, headers: r.headers, body: parsed };
  }

  // errorText is the Vietnamese sentence for a failed response.
  function errorText(res) {
    var msg = res.body && res.body.error && res.body.error.message;
    return "Máy chủ trả lời " + res.status + (msg ? ": " + msg : "") + ".";
  }

  // api is request for callers that only want the body: it throws an Error
  // carrying .status and .body when the answer is not a 2xx.
  async function api(path, opts) {
    var res = await request(path, opts);
    if (!res.ok) {
      var err = new Error(errorText(res));
      err.status = res.status;
      err.body = res.body;
      throw err;
    }
    return res.body;
  }

  // ---------------------------------------------------------------- user
  function user() {
    var c = claims(tokens.idToken);
    var groups = c["cognito:groups"] || [];
    var role = ["admin", "publisher", "editor"].filter(function (g) { return groups.indexOf(g) >= 0; })[0] || "";
    return { name: c.name || c.email || c["cognito:username"] || c.sub, role: role, sub: c.sub || "" };
  }

  // ---------------------------------------------------------------- pages
  function link(href, label, current) {
    var a = el("a", { href: href, text: label });
    if (current) a.setAttribute("aria-current", "page");
    return el("li", {}, [a]);
  }

  function route() {
    var rest = location.pathname.indexOf(root) === 0 ? location.pathname.slice(root.length) : "";
    var q = new URLSearchParams(location.search);
    return { page: rest.replace(/\/$/, ""), query: q, status: q.get("trang-thai") || "nhap", cursor: q.get("sau") || "" };
  }

  // Pages register themselves (articles.js, admin.js, ...) before the
  // console starts: section is the navigation heading they are listed
  // under, role the least role that sees them (editor < publisher < admin),
  // nav the links they add (none for a page reached only from another).
  var pages = [];
  var RANK = { editor: 1, publisher: 2, admin: 3 };
  function register(page) { pages.push(page); }
  function allowed(u, role) { return (RANK[u.role] || 0) >= (RANK[role || "editor"] || 1); }

  function renderNav(u, r) {
    var nav = document.getElementById("dieu-huong");
    var sections = [], bySection = {};
    pages.forEach(function (p) {
      if (!p.section || !allowed(u, p.role)) return;
      if (!bySection[p.section]) { bySection[p.section] = []; sections.push(p.section); }
      (p.nav ? p.nav(r) : []).forEach(function (n) {
        bySection[p.section].push(link(n.href, n.label, n.current));
      });
    });
    var parts = [];
    sections.forEach(function (s) {
      if (bySection[s].length) parts.push(el("h2", { text: s }), el("ul", {}, bySection[s]));
    });
    nav.replaceChildren.apply(nav, parts);
    nav.hidden = false;
  }

  function renderMissing() {
    show([el("h1", { text: "Không có trang này" }), el("p", {}, [el("a", { href: root, text: "Về bàn biên tập" })])]);
  }

  // isCurrent tells a page's asynchronous work whether the page it draws
  // is still the one shown: a list that arrives after the editor has moved
  // on is dropped rather than drawn over the next page.
  function currentToken() {
    var mine = shown;
    return function () { return mine === shown; };
  }

  function render() {
    var u = user(), r = route();
    shown++;
    renderedAt = location.pathname + location.search;
    document.getElementById("ten").textContent = u.name;
    document.getElementById("vai-tro").textContent = ROLE_LABELS[u.role] || "không có vai trò";
    document.getElementById("nguoi-dung").hidden = false;
    renderNav(u, r);
    var page = pages.filter(function (p) { return p.matches(r); })[0];
    if (!page) return renderMissing();
    if (!allowed(u, page.role)) {
      show([el("h1", { text: "Không có quyền" }), notice("Trang này dành cho " + (ROLE_LABELS[page.role] || page.role).toLowerCase() + ".", true)]);
      return;
    }
    return page.render(r, u);
  }

  // navigate shows another console page without reloading.
  function navigate(href) {
    history.pushState(null, "", href);
    render();
    main.focus();
  }

  // In-app links change the page without reloading it (the tokens live in
  // this tab's storage either way).
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0 || a.target) return;
    var url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.indexOf(root) !== 0) return;
    // A link within the page (the skip link) is the browser's to follow.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    // A page with unsaved work may keep the editor on it.
    if (window.eportalConsole.beforeLeave && !window.eportalConsole.beforeLeave()) { e.preventDefault(); return; }
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
  // Following a link within the page (the skip link) fires popstate too:
  // only a change of page draws again.
  // Back and Forward with unsaved work ask first, as a link does; staying
  // puts the page's own address back.
  window.addEventListener("popstate", function () {
    if (!tokens || location.pathname + location.search === renderedAt) return;
    if (window.eportalConsole.beforeLeave && !window.eportalConsole.beforeLeave()) {
      history.pushState(null, "", renderedAt);
      return;
    }
    render();
  });
  document.getElementById("dang-xuat").addEventListener("click", signOut);

  async function start() {
    var r = await fetch(root + "config.json");
    if (!r.ok) throw new Error("Không đọc được cấu hình (" + r.status + ").");
    config = await r.json();
    if (!config.authorizeUrl) throw new Error("Chưa cấu hình đăng nhập cho bàn biên tập (AuthDomainPrefix).");
    if (await callback()) return render();
    if (store.getItem(SIGNED_OUT)) {
      store.removeItem(SIGNED_OUT);
      var again = el("button", { type: "button", text: "Đăng nhập" });
      again.addEventListener("click", function () { signIn(); });
      show([el("h1", { text: "Bàn biên tập" }), notice("Bạn đã đăng xuất."), again]);
      return;
    }
    if (loadTokens() && tokens.idToken) {
      try {
        if (tokens.expiresAt - Date.now() < 60000) await refresh();
        else scheduleRefresh();
        return render();
      } catch (e) {
        clearTokens();
      }
    }
    await signIn();
  }

  // The shell the page scripts use. They are loaded after this one
  // (deferred, in order) and register their pages before start runs at
  // DOMContentLoaded.
  window.eportalConsole = {
    root: root, el: el, show: show, notice: notice, form: form, vnTime: vnTime,
    api: api, request: request, errorText: errorText, user: user, register: register,
    allowed: allowed, navigate: navigate, current: currentToken, render: function () { return render(); },
    config: function () { return config; }, main: main, beforeLeave: null
  };

  document.addEventListener("DOMContentLoaded", function () { start().catch(failed); });
  function failed(e) {
    var retry = el("button", { type: "button", text: "Đăng nhập lại" });
    retry.addEventListener("click", function () { if (config) signIn(); else location.reload(); });
    show([el("h1", { text: "Bàn biên tập" }), notice(e.message, true), retry]);
  }
})();
