// Thư viện ảnh: the media library (GET /admin/media): images, and the
// documents (PDF, DOC, DOCX) legal documents attach; uploads (POST
// /admin/media, then a PUT of the bytes to the presigned URL, then the
// entry polled until the processor makes it ready or rejects it), finding
// by file name among the loaded pages, and delete (DELETE
// /admin/media/{id}, refused while an article uses the image). It also
// gives the article editor eportalConsole.pickImage(), a dialog that
// returns a ready image, picked or just uploaded, and the document editor
// eportalConsole.pickFile(), the same for a PDF, DOC or DOCX to attach.
"use strict";
(function () {
  var C = window.eportalConsole, A = window.eportalAdmin, el = C.el, form = C.form, root = C.root;
  var PAGE = root + "thu-vien-anh";
  var TYPES = "image/jpeg,image/png,image/webp";
  // DOCUMENTS are the attachments' types, by extension for a browser that
  // gives a file no type.
  var DOCUMENTS = { pdf: "application/pdf", doc: "application/msword",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" };
  function isFile(m) { return m.kind === "file"; }
  function ext(name) { var m = /\.([a-z0-9]+)$/i.exec(name || ""); return m ? m[1].toLowerCase() : ""; }
  // How long an upload is polled for, and how often, before the library
  // says it is still being processed.
  var POLL_EVERY = 1000, POLL_FOR = 90000;

  function sizeText(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1).replace(".", ",") + " MB";
    return Math.max(1, Math.round(n / 1024)) + " KB";
  }

  // fold is a file name as the search compares it: lower case, without
  // diacritics (đ as d), so that "tinh uy" finds "Tỉnh ủy".
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  // thumb is the narrowest variant's URL (320 px), or "" before it exists.
  function thumb(m) { return m.variants && m.variants.length ? m.variants[0].url : ""; }

  // picked is what pickImage resolves to.
  function picked(m) {
    return { id: m.id, url: m.url, variants: m.variants || [], width: m.width, height: m.height, fileName: m.fileName };
  }
  // pickedFile is what pickFile resolves to: an attachment as the admin
  // API returns a document's.
  function pickedFile(m) {
    return { id: m.id, name: m.fileName, url: m.url, contentType: m.contentType, size: m.size };
  }

  // uploadProblem is the sentence for a refused upload request.
  function uploadProblem(res) {
    var msg = res.body && res.body.error && res.body.error.message;
    var lead = res.status === 415 ? "Chỉ nhận ảnh JPEG, PNG hoặc WebP, và tệp PDF, DOC hoặc DOCX." :
      res.status === 413 ? "Ảnh lớn hơn 10 MB, hoặc tệp lớn hơn 20 MB." : "Máy chủ không nhận tệp.";
    return lead + (msg ? " (" + res.status + ": " + msg + ")" : " (" + res.status + ")");
  }

  // put sends file to the presigned URL with its declared type, reporting
  // progress from 0 to 1.
  function put(url, file, type, progress) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open("PUT", url);
      x.setRequestHeader("Content-Type", type);
      x.upload.onprogress = function (e) { if (e.lengthComputable) progress(e.loaded / e.total); };
      x.onload = function () {
        if (x.status >= 200 && x.status < 300) resolve();
        else reject(new Error("Kho ảnh trả lời " + x.status + "."));
      };
      x.onerror = function () { reject(new Error("Không gửi được ảnh lên kho ảnh.")); };
      x.send(file);
    });
  }

  // entry reads media id (GET /admin/media/{id}): null when it is gone.
  async function entry(id) {
    var res = await C.request("/admin/media/" + encodeURIComponent(id));
    if (res.ok) return res.body;
    if (res.status === 404) return null;
    throw new Error(C.errorText(res));
  }

  // upload takes one file through the whole flow, telling row (an
  // upload's line in the list) where it is; it resolves to the entry, ready
  // or rejected, or null when the upload was refused or is still pending.
  async function upload(file, row) {
    row.say("Đang chuẩn bị…");
    var type = file.type || DOCUMENTS[ext(file.name)] || "application/octet-stream";
    var what = (DOCUMENTS[ext(file.name)] || type.indexOf("application/") === 0) ? "tệp" : "ảnh";
    var res = await C.request("/admin/media", { method: "POST", body: { fileName: file.name, contentType: type, size: file.size } });
    if (!res.ok) {
      row.fail(uploadProblem(res));
      return null;
    }
    try {
      await put(res.body.uploadUrl, file, type, function (f) { row.progress(f); row.say("Đang tải lên… " + Math.round(f * 100) + "%"); });
    } catch (e) {
      row.fail(e.message);
      return null;
    }
    row.progress(1);
    row.say("Đã tải lên; đang kiểm tra " + what + "…");
    var started = Date.now();
    while (Date.now() - started < POLL_FOR) {
      await new Promise(function (r) { setTimeout(r, POLL_EVERY); });
      var m;
      try { m = await entry(res.body.id); } catch (e) { m = null; }
      if (m && m.status === "ready") { row.done("Xong: " + what + " đã sẵn sàng."); return m; }
      if (m && m.status === "rejected") { row.fail("Máy chủ từ chối " + what + ": " + (m.reason || "không rõ lý do").replace(/\.$/, "") + "."); return m; }
    }
    row.say("Tệp vẫn đang được xử lý; hãy tải lại trang sau ít phút.");
    return null;
  }

  // uploadRow is one upload's line: file name, progress bar and status.
  function uploadRow(file) {
    var bar = el("progress", { max: "1", value: "0", "aria-label": "Tiến độ tải " + file.name });
    var text = el("span", { "class": "upload-status" });
    var li = el("li", {}, [el("span", { "class": "file", text: file.name + " (" + sizeText(file.size) + ")" }), bar, text]);
    return {
      li: li,
      say: function (t) { text.textContent = t; },
      progress: function (f) { bar.value = f; },
      fail: function (t) { li.className = "failed"; bar.remove(); text.setAttribute("role", "alert"); text.textContent = t; },
      done: function (t) { li.className = "ready"; bar.remove(); text.textContent = t; }
    };
  }

  // inUse says that m cannot be deleted and names the articles (the API's
  // 409: {error, articles: [{id, title}]}) with links to their editor.
  function inUse(alert, m, body) {
    var n = Math.max(m.uses || 0, body.articles.length);
    var list = el("ul", {}, body.articles.map(function (a) {
      return el("li", {}, [el("a", { href: root + "bai-viet/" + encodeURIComponent(a.id), text: a.title || a.id + " (đã xóa)" })]);
    }));
    alert.replaceChildren(
      el("span", { text: isFile(m)
        ? "Không xóa được tệp “" + m.fileName + "”: tệp đang được đính kèm ở " + n + " văn bản. Hãy bỏ tệp khỏi các văn bản này trước:"
        : "Không xóa được ảnh “" + m.fileName + "”: ảnh đang được dùng trong " + n + " bài viết. Hãy bỏ ảnh khỏi các bài này trước:" }),
      list);
  }

  var IMAGE_HINT = "Ảnh JPEG, PNG hoặc WebP, tối đa 10 MB: được thu nhỏ thành các cỡ 320, 768 và 1280 px; thông tin vị trí trong ảnh bị xóa.";
  var FILE_HINT = "Tệp PDF, DOC hoặc DOCX, tối đa 20 MB: để đính kèm văn bản.";
  var FILE_TYPES = Object.keys(DOCUMENTS).map(function (k) { return DOCUMENTS[k] + ",." + k; }).join(",");

  // library draws the library into holder: the upload zone, the search
  // box, the grid and "Tải thêm". pick, when given, makes each ready entry
  // a button that calls pick(entry) (the dialog); otherwise each entry can
  // be deleted (the page). files says what a picker offers and takes:
  // documents (true) or images. alert is where a failure is said.
  function library(holder, alert, pick, files) {
    var items = [], cursor = "", loaded = false;
    // The image picker offers images, the file picker documents; the page
    // takes both.
    var accept = !pick ? TYPES + "," + FILE_TYPES : files ? FILE_TYPES : TYPES;
    var input = el("input", { type: "file", accept: accept, multiple: "" });
    var zone = el("div", { "class": "dropzone" }, [
      el("p", { text: !pick ? "Kéo thả ảnh hoặc tệp vào đây, hoặc:" : files ? "Kéo thả tệp vào đây, hoặc:" : "Kéo thả ảnh vào đây, hoặc:" }),
      A.field(!pick ? "Chọn ảnh hoặc tệp từ máy" : files ? "Chọn tệp từ máy" : "Chọn ảnh từ máy", input,
        !pick ? IMAGE_HINT + " " + FILE_HINT : files ? FILE_HINT : IMAGE_HINT)
    ]);
    var uploads = el("ul", { "class": "uploads", "aria-live": "polite" });
    var search = el("input", { type: "search", autocomplete: "off" });
    var count = el("p", { "class": "hint", role: "status" });
    var grid = el("ul", { "class": "media-grid" });
    // noun is what the list holds: the file picker's files, else images.
    var noun = pick && files ? "tệp" : "ảnh";
    var more = A.button("Tải thêm " + noun, function () { load(); });
    more.hidden = true;
    holder.append(
      el("section", { "class": "panel", "aria-label": "Tải " + noun + " lên" }, [zone, uploads]),
      el("section", { "class": "panel", "aria-label": "Các " + noun + " trong thư viện" }, [
        A.field("Tìm theo tên tệp", search, "Có dấu hay không dấu đều được. Chỉ tìm trong các " + noun + " đã tải về trang này; bấm “Tải thêm " + noun + "” để tìm cả các " + noun + " cũ hơn."),
        count, grid, more
      ])
    );

    function send(files) {
      Array.prototype.forEach.call(files, async function (file) {
        var row = uploadRow(file);
        uploads.prepend(row.li);
        var m = await upload(file, row);
        if (m) {
          items = items.filter(function (x) { return x.id !== m.id; });
          items.unshift(m);
          draw();
        }
      });
    }
    input.addEventListener("change", function () { send(input.files); input.value = ""; });
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) send(e.dataTransfer.files);
    });
    search.addEventListener("input", draw);

    function card(m) {
      var status = m.status === "ready" ? (m.uses ? (isFile(m) ? "Đính kèm ở " + m.uses + " văn bản" : "Đang dùng trong " + m.uses + " bài viết") : "") :
        m.status === "rejected" ? "Bị từ chối: " + (m.reason || "") : m.status === "deleting" ? "Đang xóa…" : "Đang xử lý…";
      var fig = [];
      var src = thumb(m);
      // In the picker the button's text names the image: its picture is
      // then decoration.
      if (src) fig.push(el("img", { src: src, alt: pick ? "" : m.fileName, loading: "lazy", width: "160", height: String(Math.round(160 * (m.height || 1) / (m.width || 1))) }));
      else fig.push(el("div", { "class": "no-thumb", text: m.status === "rejected" ? "✕" : isFile(m) && m.status === "ready" ? ext(m.url).toUpperCase() : "…", "aria-hidden": "true" }));
      var facts = [sizeText(m.size)];
      if (m.width) facts.push(m.width + "×" + m.height + " px");
      facts.push(C.vnTime(m.createdAt));
      var caption = el("div", { "class": "caption" }, [
        el("span", { "class": "file", text: m.fileName }),
        el("span", { "class": "meta", text: facts.join(" · ") })
      ]);
      if (status) caption.append(el("span", { "class": "media-status " + m.status, text: status }));
      var li = el("li", { "class": "media " + m.status, "data-id": m.id });
      if (pick) {
        if (m.status === "ready") {
          li.append(A.button("", function () { pick(m); }, { "class": "pick" }));
          li.firstChild.append.apply(li.firstChild, fig.concat([caption]));
        } else {
          li.append.apply(li, fig.concat([caption]));
        }
        return li;
      }
      li.append.apply(li, fig.concat([caption]));
      var del = A.button("Xóa", function () {
        A.confirm(del, (isFile(m) ? "Xóa tệp “" : "Xóa ảnh “") + m.fileName + "”?", "Xóa", async function (restore) {
          A.say(alert, "");
          try {
            await C.api("/admin/media/" + encodeURIComponent(m.id), { method: "DELETE" });
          } catch (e) {
            restore();
            if (e.status === 409 && e.body && e.body.articles && e.body.articles.length) inUse(alert, m, e.body);
            else A.say(alert, A.problem((isFile(m) ? "Không xóa được tệp “" : "Không xóa được ảnh “") + m.fileName + "”.", e));
            alert.focus();
            return;
          }
          items = items.filter(function (x) { return x.id !== m.id; });
          draw();
          A.say(count, (isFile(m) ? "Đã xóa tệp “" : "Đã xóa ảnh “") + m.fileName + "”.");
          search.focus();
        });
      }, { "class": "danger", "aria-label": (isFile(m) ? "Xóa tệp " : "Xóa ảnh ") + m.fileName });
      var actions = el("div", { "class": "actions" }, [del]);
      if (m.status === "ready" && isFile(m)) actions.prepend(el("a", { href: m.url, download: "", text: "Tải về" }));
      else if (m.status === "ready") actions.prepend(el("a", { href: m.url, target: "_blank", rel: "noopener", text: "Xem ảnh lớn" }));
      li.append(actions);
      return li;
    }

    function draw() {
      var q = fold(search.value.trim());
      // A picker lists what it offers: ready or pending images, or files.
      var pool = !pick ? items : items.filter(function (m) { return m.status !== "rejected" && isFile(m) === !!files; });
      var shown = pool.filter(function (m) { return !q || fold(m.fileName).indexOf(q) >= 0; });
      grid.replaceChildren.apply(grid, shown.map(card));
      if (!loaded) A.say(count, "Đang tải thư viện…");
      else if (!pool.length) A.say(count, "Thư viện chưa có " + noun + " nào" + (cursor ? " trong các mục đã tải" : "") + ".");
      else if (q) A.say(count, shown.length ? "Tìm thấy " + shown.length + " " + noun + " có tên chứa “" + search.value.trim() + "”." : "Không có " + noun + " nào có tên chứa “" + search.value.trim() + "” trong các " + noun + " đã tải.");
      else A.say(count, pool.length + " " + noun + (cursor ? " (còn " + noun + " cũ hơn)" : "") + ".");
      more.hidden = !cursor;
    }

    // watch follows an entry listed as pending (an upload from another tab
    // or just finished) until it is ready or rejected, for as long as an
    // upload is followed, while the library is on the page.
    async function watch(id) {
      var started = Date.now();
      while (Date.now() - started < POLL_FOR && holder.isConnected) {
        await new Promise(function (r) { setTimeout(r, POLL_EVERY * 2); });
        var m;
        try { m = await entry(id); } catch (e) { m = undefined; }
        if (m === null || (m && m.status !== "pending")) {
          items = m ? items.map(function (x) { return x.id === id ? m : x; }) : items.filter(function (x) { return x.id !== id; });
          if (holder.isConnected) draw();
          return;
        }
      }
    }

    async function load() {
      more.disabled = true;
      try {
        var page = await C.api("/admin/media?" + form({ limit: 40 }) + (cursor ? "&" + form({ cursor: cursor }) : ""));
        var seen = {};
        items.forEach(function (m) { seen[m.id] = true; });
        var added = (page.items || []).filter(function (m) { return !seen[m.id]; });
        items = items.concat(added);
        cursor = page.nextCursor || "";
        loaded = true;
        added.forEach(function (m) { if (m.status === "pending") watch(m.id); });
      } catch (e) {
        A.say(alert, "Không tải được thư viện ảnh. " + e.message);
      }
      more.disabled = false;
      draw();
    }
    draw();
    return { load: load, input: input, search: search };
  }

  function render() {
    var box = A.page("Thư viện ảnh");
    library(C.main, box.alert, null).load();
  }

  // picker opens a dialog with the library: the editor picks a ready entry
  // or uploads one and picks it; files (true) offers the library's files,
  // else its images. It resolves to choose(entry), or to null when the
  // dialog is closed without a choice.
  function picker(opts, id, title0, files, choose) {
    opts = opts || {};
    return new Promise(function (resolve) {
      var back = document.activeElement;
      var title = el("h2", { id: id, text: opts.title || title0 });
      var alert = A.alertBox();
      var body = el("div", { "class": "dialog-body" });
      var dialog = el("dialog", { "class": "picker", "aria-labelledby": title.id });
      var closeB = A.button("Đóng", function () { dialog.close(); }, { "class": "close" });
      dialog.append(el("div", { "class": "dialog-head" }, [title, closeB]), alert, body);
      var result = null;
      dialog.addEventListener("close", function () {
        dialog.remove();
        if (back && back.focus) back.focus();
        resolve(result);
      });
      var lib = library(body, alert, function (m) { result = choose(m); dialog.close(); }, files);
      document.body.append(dialog);
      dialog.showModal();
      lib.search.focus();
      lib.load();
    });
  }

  // pickImage is the editor's image picker. It resolves to {id, url,
  // variants, width, height, fileName} (url: the largest variant; variants:
  // narrowest first, each {width, height, contentType, url}), or to null.
  // opts.title names the dialog ("Chọn ảnh" by default).
  function pickImage(opts) { return picker(opts, "chon-anh-tieu-de", "Chọn ảnh", false, picked); }
  C.pickImage = pickImage;

  // pickFile is the picker of a document's attachments: the library's
  // ready files (PDF, DOC, DOCX), or one uploaded in the dialog. It
  // resolves to {id, name, url, contentType, size}, or to null.
  function pickFile(opts) { return picker(opts, "chon-tep-tieu-de", "Chọn tệp", true, pickedFile); }
  C.pickFile = pickFile;
  C.sizeText = sizeText;

  C.register({
    section: "Bài viết",
    role: "editor",
    nav: function (r) { return [{ href: PAGE, label: "Thư viện ảnh", current: r.page === "thu-vien-anh" }]; },
    matches: function (r) { return r.page === "thu-vien-anh"; },
    render: render
  });
})();
