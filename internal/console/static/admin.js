// The admins' pages: categories, linked websites, polls and the audit
// trail. Registered with the console shell (console.js).
"use strict";
(function () {
  var C = window.eportalConsole, el = C.el, root = C.root;

  var ADMIN_PAGES = [
    { slug: "chuyen-muc", label: "Chuyên mục" },
    { slug: "lien-ket", label: "Liên kết website" },
    { slug: "binh-chon", label: "Bình chọn" },
    { slug: "nhat-ky", label: "Nhật ký thao tác" }
  ];

  ADMIN_PAGES.forEach(function (p) {
    C.register({
      section: "Quản trị",
      role: "admin",
      nav: function (r) { return [{ href: root + p.slug, label: p.label, current: r.page === p.slug }]; },
      matches: function (r) { return r.page === p.slug; },
      render: function () { C.show([el("h1", { text: p.label }), C.notice("Trang này sắp có.")]); }
    });
  });
})();
