// sopdoc portal: small enhancements over pages that work without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-upload]").forEach(enhanceUpload);
});

// Upload with a progress bar and drag and drop; the verdict then opens at its own address,
// so a reload shows it again. Without JavaScript the form posts normally.
function enhanceUpload(form) {
  var input = form.querySelector("input[type=file]");
  var drop = form.querySelector(".drop");
  var bar = form.querySelector("progress");
  var status = form.querySelector(".upload-status");
  var button = form.querySelector("button[type=submit]");

  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) {
      event.preventDefault();
      drop.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showChosen();
    }
  });
  input.addEventListener("change", showChosen);

  function showChosen() {
    if (input.files.length) status.textContent = "Dipilih: " + input.files[0].name;
  }

  form.addEventListener("submit", function (event) {
    if (!window.FormData || !input.files.length) return;
    event.preventDefault();
    var request = new XMLHttpRequest();
    var target = form.getAttribute("action") || window.location.pathname;
    request.open("POST", target);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    request.upload.addEventListener("load", function () {
      status.textContent = "Berkas terkirim, sedang diperiksa…";
    });
    request.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = null; }
      if (request.status === 200 && answer && answer.receipt) {
        window.location.assign(target.replace(/\/$/, "") + "/hasil/" + encodeURIComponent(answer.receipt.number));
        return;
      }
      finish((answer && answer.message) || "Unggahan gagal (kode " + request.status + "). Coba lagi.");
    });
    request.addEventListener("error", function () {
      finish("Sambungan terputus sebelum unggahan selesai. Coba lagi.");
    });
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.textContent = "Mengunggah…";
    request.send(new FormData(form));
  });

  function finish(message) {
    status.textContent = message;
    status.classList.add("bad");
    button.disabled = false;
    bar.hidden = true;
  }
}
