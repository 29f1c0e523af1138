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
  var config = null, tokens = null, refreshTimer = 0, categoryNames = null;
  // shown counts the pages shown: a list that arrives after the editor has
  // moved on to another page is dropped rather than drawn over it.
  var shown = 0, renderedAt = "";
  var main = document.getElementById("noi-dung");

  var STATUSES = [
    { id: "draft", slug: "nhap", label: "Bản nháp" },
    { id: "in_review", slug: "cho-duyet", label: "Chờ duyệt" },
    { id: "scheduled", slug: "hen-gio", label: "Hẹn giờ đăng" },
    { id: "published", slug: "da-dang", label: "Đã đăng" },
    { id: "archived", slug: "luu-tru", label: "Lưu trữ" }
  ];
  var ADMIN_PAGES = [
    { slug: "chuyen-muc", label: "Chuyên mục" },
    { slug: "lien-ket", label: "Liên kết website" },
    { slug: "binh-chon", label: "Bình chọn" },
    { slug: "nhat-ky", label: "Nhật ký thao tác" }
  ];
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

  function signOut() {
    clearTokens();
    // Back from the logout page, the console says so rather than sending
    // the browser straight to the sign-in page again.
    store.setItem(SIGNED_OUT, "1");
    location.assign(config.logoutUrl + "?" + form({ client_id: config.clientId, logout_uri: config.logoutUri }));
  }

  // api calls the /admin API with the ID token, refreshing it first when it
  // is about to expire, and once more after a 401.
  async function api(path) {
    if (tokens.expiresAt - Date.now() < 60000) await refresh();
    var call = function () {
      return fetch(config.apiBase + path, { headers: { Authorization: "Bearer " + tokens.idToken, Accept: "application/json" } });
    };
    var r = await call();
    if (r.status === 401 && tokens.refreshToken) {
      await refresh();
      r = await call();
    }
    var body = await r.json().catch(function () { return {}; });
    if (!r.ok) {
      var msg = body && body.error && body.error.message;
      throw new Error("Máy chủ trả lời " + r.status + (msg ? ": " + msg : "") + ".");
    }
    return body;
  }

  // ---------------------------------------------------------------- user
  function user() {
    var c = claims(tokens.idToken);
    var groups = c["cognito:groups"] || [];
    var role = ["admin", "publisher", "editor"].filter(function (g) { return groups.indexOf(g) >= 0; })[0] || "";
    return { name: c.name || c.email || c["cognito:username"] || c.sub, role: role };
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
    return { page: rest.replace(/\/$/, ""), status: q.get("trang-thai") || "nhap", cursor: q.get("sau") || "" };
  }

  function renderNav(u, r) {
    var nav = document.getElementById("dieu-huong");
    var desk = el("ul", {}, STATUSES.map(function (s) {
      return link(root + "?trang-thai=" + s.slug, s.label, r.page === "" && r.status === s.slug);
    }));
    var parts = [el("h2", { text: "Bài viết" }), desk];
    if (u.role === "admin") {
      parts.push(el("h2", { text: "Quản trị" }), el("ul", {}, ADMIN_PAGES.map(function (p) {
        return link(root + p.slug, p.label, r.page === p.slug);
      })));
    }
    nav.replaceChildren.apply(nav, parts);
    nav.hidden = false;
  }

  // categories returns category names by id, from the public tree, read
  // once per page load; ids stand in for names if it cannot be read.
  async function categories() {
    if (categoryNames) return categoryNames;
    var names = {};
    try {
      var r = await fetch(config.apiBase + "/categories");
      var walk = function (list) {
        (list || []).forEach(function (c) { names[c.id] = c.name; walk(c.children); });
      };
      if (r.ok) walk((await r.json()).items);
      categoryNames = names;
    } catch (e) { /* ids then */ }
    return names;
  }

  async function renderDesk(r) {
    var mine = shown;
    var status = STATUSES.filter(function (s) { return s.slug === r.status; })[0] || STATUSES[0];
    var h1 = el("h1", { text: "Bài viết: " + status.label });
    show([h1, notice("Đang tải danh sách…")]);
    var path = "/admin/articles?" + form({ status: status.id, limit: 20 }) + (r.cursor ? "&" + form({ cursor: r.cursor }) : "");
    var page, names;
    try {
      names = await categories();
      page = await api(path);
    } catch (e) {
      if (mine === shown) show([h1, notice("Không tải được danh sách. " + e.message, true)]);
      return;
    }
    if (mine !== shown) return;
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
          el("td", { "class": "time", text: vnTime(a.updatedAt) }),
          el("td", { "class": "time", text: vnTime(a.publishAt) })
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

  function renderPlaceholder(r) {
    var p = ADMIN_PAGES.filter(function (x) { return x.slug === r.page; })[0];
    if (!p) {
      show([el("h1", { text: "Không có trang này" }), el("p", {}, [el("a", { href: root, text: "Về bàn biên tập" })])]);
      return;
    }
    show([el("h1", { text: p.label }), notice("Trang này sắp có.")]);
  }

  function render() {
    var u = user(), r = route();
    shown++;
    renderedAt = location.pathname + location.search;
    document.getElementById("ten").textContent = u.name;
    document.getElementById("vai-tro").textContent = ROLE_LABELS[u.role] || "không có vai trò";
    document.getElementById("nguoi-dung").hidden = false;
    renderNav(u, r);
    if (r.page === "") return renderDesk(r);
    if (u.role !== "admin" && ADMIN_PAGES.some(function (p) { return p.slug === r.page; })) {
      show([el("h1", { text: "Không có quyền" }), notice("Trang này chỉ dành cho quản trị viên.", true)]);
      return;
    }
    renderPlaceholder(r);
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
    e.preventDefault();
    history.pushState(null, "", url.pathname + url.search);
    render();
    main.focus();
  });
  // Following a link within the page (the skip link) fires popstate too:
  // only a change of page draws again.
  window.addEventListener("popstate", function () {
    if (tokens && location.pathname + location.search !== renderedAt) render();
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

  start().catch(function (e) {
    var retry = el("button", { type: "button", text: "Đăng nhập lại" });
    retry.addEventListener("click", function () { if (config) signIn(); else location.reload(); });
    show([el("h1", { text: "Bàn biên tập" }), notice(e.message, true), retry]);
  });
})();
