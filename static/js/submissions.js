// Small helpers for the submission form: live word counts, autosave, upload progress,
// and a submit button that cannot be pressed twice. Everything works without this file.
(function () {
  "use strict";
  var form = document.getElementById("sketch-form");
  var csrf = form ? form.querySelector("input[name=csrf_token]") : null;
  var status = document.getElementById("autosave-status");

  function words(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  // Live word counts next to fields with a limit.
  document.querySelectorAll("[data-word-limit]").forEach(function (input) {
    var limit = parseInt(input.getAttribute("data-word-limit"), 10);
    var counter = document.getElementById(input.id + "-count");
    if (!limit || !counter) return;
    var template = counter.textContent.replace(/^\d+/, "{count}");
    var update = function () {
      var count = words(input.value);
      counter.textContent = template.replace("{count}", count);
      counter.classList.toggle("over-limit", count > limit);
    };
    input.addEventListener("input", update);
    update();
  });

  // Autosave the text fields every 10 seconds after a change. A copy is kept in this browser
  // until the server confirms it, so an expired session or a lost connection loses nothing:
  // the next visit to the form restores what the server does not have.
  if (form && form.dataset.autosaveUrl && csrf) {
    var dirty = false;
    var key = "compete-draft:" + form.dataset.autosaveUrl;
    var collect = function () {
      var content = {}, secret = [];
      form.querySelectorAll("[name^=field_]").forEach(function (el) { content[el.name.slice(6)] = el.value; });
      form.querySelectorAll("[name^=secret_]").forEach(function (el) { if (el.checked) secret.push(el.name.slice(7)); });
      return { content: content, secret_fields: secret };
    };
    var keep = function () {
      try { window.localStorage.setItem(key, JSON.stringify(collect())); } catch (e) { /* storage full or off */ }
    };
    var forget = function () {
      try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
    };
    var kept = null;
    try { kept = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept && kept.content) {
      var restored = false;
      Object.keys(kept.content).forEach(function (name) {
        var el = form.querySelector("[name='field_" + name + "']");
        if (el && el.type !== "checkbox" && el.value !== kept.content[name]) {
          el.value = kept.content[name];
          restored = true;
        }
      });
      if (restored) {
        dirty = true;
        if (status) status.textContent = form.dataset.restoredMessage || "";
        form.querySelectorAll("[data-word-limit]").forEach(function (el) { el.dispatchEvent(new Event("input")); });
      } else {
        forget();
      }
    }
    form.addEventListener("input", function (event) {
      if (event.target.type !== "file") { dirty = true; keep(); }
    });
    setInterval(function () {
      if (!dirty) return;
      dirty = false;
      fetch(form.dataset.autosaveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf.value },
        body: JSON.stringify(collect())
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) forget(); else dirty = response.status !== 409;
          if (status) status.textContent = response.ok ? body.message : body.error;
        });
      }).catch(function () { dirty = true; });
    }, 10000);
  }

  // Upload with a progress bar; the server's answer replaces the page as a normal post would.
  if (form && window.FormData && window.XMLHttpRequest) {
    var progress = form.querySelector(".upload-progress");
    var bar = document.getElementById("upload-progress");
    form.addEventListener("submit", function (event) {
      var hasFile = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (el) {
        return el.files && el.files.length;
      });
      if (!hasFile || !progress) return;
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      var xhr = new XMLHttpRequest();
      // form.action would be the buttons named "action"; read the attribute instead.
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      progress.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.round((e.loaded / e.total) * 100);
          bar.value = pct;
          bar.textContent = pct + " %";
        }
      });
      xhr.addEventListener("load", function () {
        history.replaceState(null, "", xhr.responseURL);
        document.open();
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () { progress.hidden = true; form.submit(); });
      xhr.send(data);
    });
  }

  // Direct uploads (S3): the file goes from the browser to the bucket with a progress bar, then the
  // browser opens the app's confirmation address with the object's key and the SHA-256 it computed,
  // and the server checks the stored object against it. Without this script the form posts to the
  // bucket itself and the bucket sends the browser back to the same address (without the hash).
  document.querySelectorAll("form.direct-upload").forEach(function (upload) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    upload.addEventListener("submit", function (event) {
      var input = upload.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      if (!file) return;
      event.preventDefault();
      var max = parseInt(upload.dataset.maxBytes, 10);
      if (max && file.size > max) {
        input.setCustomValidity(upload.dataset.tooLarge || "");
        input.reportValidity();
        input.addEventListener("change", function () { input.setCustomValidity(""); }, { once: true });
        return;
      }
      var key = upload.dataset.keyPrefix + file.name.replace(/[\/\\]/g, "_");
      var done = function (hash) {
        var target = upload.dataset.doneUrl + "&key=" + encodeURIComponent(key);
        window.location.assign(hash ? target + "&sha256=" + hash : target);
      };
      var send = function (hash) {
        var data = new FormData(upload);
        data.set("key", key);
        data.delete("file");
        data.append("file", file); // S3 reads the fields before the file, which must come last
        var progress = upload.querySelector(".upload-progress");
        var bar = progress ? progress.querySelector("progress") : null;
        if (progress) progress.hidden = false;
        var xhr = new XMLHttpRequest();
        xhr.open("POST", upload.getAttribute("action"));
        xhr.upload.addEventListener("progress", function (e) {
          if (bar && e.lengthComputable) {
            var pct = Math.round((e.loaded / e.total) * 100);
            bar.value = pct;
            bar.textContent = pct + " %";
          }
        });
        // The bucket answers with a redirect to the app, which a cross-origin request cannot read:
        // whatever the ending, the app checks what arrived and says what happened.
        xhr.addEventListener("loadend", function () { done(hash); });
        xhr.send(data);
      };
      if (window.crypto && window.crypto.subtle && file.arrayBuffer) {
        file.arrayBuffer()
          .then(function (buffer) { return window.crypto.subtle.digest("SHA-256", buffer); })
          .then(function (digest) {
            send(Array.prototype.map.call(new Uint8Array(digest), function (b) {
              return ("0" + b.toString(16)).slice(-2);
            }).join(""));
          })
          .catch(function () { send(""); });
      } else {
        send("");
      }
    });
  });

  // One submission per click.
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
