// The check-in desk (templates/organizers/checkin/desk.html): reads QR codes with the camera
// (BarcodeDetector where the browser has one for QR codes, else the vendored jsQR), takes typed
// codes and a name search, and sends each scan with its own id. A scan that cannot reach the
// server is kept in localStorage and sent again until the server has answered for its id (the
// server answers a scan sent twice the same, so a retry never counts twice).
// Every text it shows comes from the page (#checkin-texts), in the page's language.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("checkin-texts").textContent);
  var DECODE_EVERY_MS = 250;    // four tries a second: enough for a badge held up, easy on a phone
  var RESUME_AFTER_MS = 3000;   // a valid entry clears itself; a refusal waits for "Next scan"
  var SAME_CODE_MS = 8000;      // a badge left in view is not read again until it was away this long
  var SYNC_EVERY_MS = 10000;
  var BATCH = 200;              // scans per sync request (the server takes up to 500)
  var QUEUE_KEY = "fairplanner.checkin.queue." + root.dataset.fair;
  var GATE_KEY = "fairplanner.checkin.gate";

  function $(id) { return document.getElementById(id); }
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }

  // --- the gate --------------------------------------------------------------------------
  var gateForm = $("checkin-gate");
  var gateInput = $("checkin-gate-name");
  function storedGate() {
    try { return localStorage.getItem(GATE_KEY) || ""; } catch (e) { return ""; }
  }
  gateInput.value = storedGate();
  gateForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var gate = gateInput.value.trim().slice(0, 40);
    if (!gate) { gateInput.focus(); return; }
    try { localStorage.setItem(GATE_KEY, gate); } catch (e) { /* private mode: kept for the page */ }
    gateInput.value = gate;
    gateForm.classList.add("is-saved");
    gateInput.blur();
  });
  if (gateInput.value) { gateForm.classList.add("is-saved"); }
  gateInput.addEventListener("input", function () { gateForm.classList.remove("is-saved"); });
  function currentGate() { return gateInput.value.trim().slice(0, 40); }

  // --- the result panel ------------------------------------------------------------------
  var panel = $("checkin-result");
  var nextButton = $("checkin-next");
  var STATES = ["is-idle", "is-busy", "is-valid", "is-again", "is-bad", "is-saved"];
  var resumeTimer = null;

  // `result`: the server's answer ("valid", "revoked", …), or the page's own state.
  function show(state, title, message, person, result) {
    STATES.forEach(function (name) { panel.classList.remove(name); });
    panel.classList.add(state);
    panel.dataset.result = result || state.slice(3);
    $("checkin-result-title").textContent = title;
    $("checkin-result-message").textContent = message || "";
    var name = $("checkin-result-name");
    var who = $("checkin-result-who");
    name.hidden = !(person && person.name);
    name.textContent = person && person.name ? person.name : "";
    var parts = person ? [person.company, person.role].filter(Boolean) : [];
    who.hidden = parts.length === 0;
    who.textContent = parts.join(" · ");
  }

  function idle() {
    if (camera.running) {
      show("is-idle", T.scanning, T.scanningMessage);
    } else {
      show("is-idle", T.ready, T.readyMessage);
    }
    // With the camera on, "Next scan" also reads again a badge that is still in view.
    nextButton.hidden = !camera.running;
  }

  var STATE_OF = {
    valid: "is-valid",
    already_entered: "is-again",
    revoked: "is-bad",
    wrong_fair: "is-bad",
    wrong_day: "is-bad",
    unknown: "is-bad",
  };

  // An answer on screen: decoding pauses; a valid entry clears itself, a refusal stays.
  function answered(state, title, message, person, result) {
    show(state, title, message, person, result);
    camera.paused = true;
    nextButton.hidden = state === "is-busy";
    clearTimeout(resumeTimer);
    if (state === "is-valid" || state === "is-saved") {
      resumeTimer = setTimeout(function () { resume(false); }, RESUME_AFTER_MS);
    }
  }

  // `deliberate`: "Next scan" was pressed, so the code in view is read again as a new scan.
  function resume(deliberate) {
    clearTimeout(resumeTimer);
    if (deliberate) { camera.lastCode = null; }
    camera.paused = false;
    idle();
  }
  nextButton.addEventListener("click", function () { resume(true); });

  // --- codes -------------------------------------------------------------------------------
  // As the server's fairplanner.tickets.services.normalize: an e-ticket link gives its last
  // part; spaces and dashes go; digits typed for look-alike letters are mended.
  function normalize(text) {
    text = String(text || "").trim().slice(0, 200);
    if (text.indexOf("/") !== -1) { text = text.replace(/\/+$/, "").split("/").pop(); }
    return text.replace(/[\s-]/g, "").toUpperCase()
      .replace(/0/g, "O").replace(/1/g, "I").replace(/8/g, "B").slice(0, 64);
  }

  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  function base32(code) {
    var bits = 0;
    var value = 0;
    var out = [];
    for (var i = 0; i < code.length; i += 1) {
      value = (value << 5) | ALPHABET.indexOf(code[i]);
      bits += 5;
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 255);
        bits -= 8;
      }
    }
    return new Uint8Array(out);
  }

  // Offline the device takes any well-formed code: 28 base32 letters whose last byte is the
  // first byte of the SHA-256 of the 16 before it (fairplanner.tickets.services.well_formed).
  function wellFormed(code) {
    if (!/^[A-Z2-7]{28}$/.test(code)) { return Promise.resolve(false); }
    var raw = base32(code);
    if (!(window.crypto && crypto.subtle)) { return Promise.resolve(true); }
    return crypto.subtle.digest("SHA-256", raw.slice(0, 16)).then(function (digest) {
      return new Uint8Array(digest)[0] === raw[16];
    }, function () { return true; });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // --- talking to the server --------------------------------------------------------------
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": root.dataset.csrf,
      },
      body: JSON.stringify(body),
    });
  }

  // What a refused request says: the server's own message when it sent one.
  function failure(response) {
    var type = response.headers.get("Content-Type") || "";
    var fallback = response.status === 400 ? T.reload
      : (response.status === 403 || response.status === 404) ? T.forbidden : T.failedMessage;
    if (type.indexOf("application/json") === -1) { return Promise.resolve(fallback); }
    return response.json().then(function (data) { return data.message || fallback; },
      function () { return fallback; });
  }

  // The request may not have arrived, or the server could not answer: keep the scan.
  function retryLater(response) {
    return response.redirected || response.status === 429 || response.status >= 500;
  }

  function scan(code) {
    if (!currentGate()) {
      answered("is-bad", T.failed, T.needGate);
      gateInput.focus();
      return;
    }
    var entry = {
      scan_id: newId(),
      code: String(code).trim().slice(0, 200),
      gate: currentGate(),
      scanned_at: new Date().toISOString(),
    };
    answered("is-busy", T.checking, "");
    if (!camera.running) { panel.scrollIntoView({ block: "nearest" }); }
    if (navigator.onLine === false) { keep(entry); return; }
    post(root.dataset.scanUrl, entry).then(function (response) {
      if (response.redirected) { keep(entry, T.signedOut); return null; }
      if (retryLater(response)) { keep(entry); return null; }
      if (!response.ok) {
        return failure(response).then(function (message) { answered("is-bad", T.failed, message); });
      }
      return response.json().then(showAnswer);
    }).catch(function () { keep(entry); });
  }

  function showAnswer(data) {
    var person = { name: data.name, company: data.company, role: data.role };
    answered(STATE_OF[data.result] || "is-bad", data.title, data.message, person, data.result);
  }

  // --- the queue of scans made offline ----------------------------------------------------
  function queue() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(items) {
    try {
      if (items.length) { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); }
      else { localStorage.removeItem(QUEUE_KEY); }
    } catch (e) { /* full or private mode: nothing more the page can do */ }
    showNetwork();
  }

  function keep(entry, message) {
    wellFormed(normalize(entry.code)).then(function (ok) {
      if (!ok) {
        answered("is-bad", T.notCode, T.notCodeMessage);
        return;
      }
      var items = queue();
      items.push(entry);
      saveQueue(items);
      answered("is-saved", T.saved, message || T.savedMessage);
      scheduleSync();
    });
  }

  var syncing = false;
  var syncTimer = null;
  function scheduleSync() {
    clearTimeout(syncTimer);
    if (queue().length) { syncTimer = setTimeout(sync, SYNC_EVERY_MS); }
  }

  function sync() {
    var items = queue();
    if (syncing || !items.length || navigator.onLine === false) { scheduleSync(); return; }
    syncing = true;
    var batch = items.slice(0, BATCH);
    post(root.dataset.syncUrl, { scans: batch }).then(function (response) {
      if (response.redirected) { queueProblem(T.signedOut); return null; }
      if (retryLater(response)) { return null; }
      if (!response.ok) { return failure(response).then(queueProblem); }
      queueProblem("");
      return response.json().then(function (data) {
        var done = {};
        (data.results || []).forEach(function (answer) {
          done[answer.scan_id] = true;
          var sent = batch.filter(function (e) { return e.scan_id === answer.scan_id; })[0];
          if (sent) { listSynced(sent, answer); }
        });
        // Only scans the server answered for leave the device (read again: one may have
        // been kept while this request was on its way).
        saveQueue(queue().filter(function (e) { return !done[e.scan_id]; }));
      });
    }).catch(function () { /* still offline: try again later */ }).then(function () {
      syncing = false;
      if (queue().length && queue().length !== items.length) { sync(); } else { scheduleSync(); }
    });
  }

  function listSynced(entry, answer) {
    var list = $("checkin-synced-list");
    var item = document.createElement("li");
    item.className = "checkin-synced-item " + (STATE_OF[answer.result] || "is-bad");
    var head = document.createElement("strong");
    head.textContent = [answer.time, answer.title].filter(Boolean).join(" · ");
    item.appendChild(head);
    var lines = [answer.name, [answer.company, answer.role].filter(Boolean).join(" · "), answer.message];
    lines.filter(Boolean).forEach(function (text) {
      var line = document.createElement("span");
      line.textContent = text;
      item.appendChild(line);
    });
    list.insertBefore(item, list.firstChild);
    $("checkin-synced").hidden = false;
  }

  // Why the kept scans are not going out (the page has expired, the user was signed out).
  function queueProblem(message) {
    var note = $("checkin-queue-problem");
    note.textContent = message;
    note.hidden = !message;
  }

  function showNetwork() {
    var offline = navigator.onLine === false;
    var count = queue().length;
    $("checkin-offline").hidden = !offline;
    $("checkin-queue").hidden = count === 0;
    $("checkin-queue-count").textContent = String(count);
    $("checkin-network").hidden = !offline && count === 0;
    root.classList.toggle("is-offline", offline);
  }
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);

  // --- typed codes and the name search ------------------------------------------------------
  var codeInput = $("checkin-code-input");
  $("checkin-code").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value.trim();
    if (!code) { codeInput.focus(); return; }
    codeInput.value = "";
    scan(code);
  });

  var people = $("checkin-people");
  var searchStatus = $("checkin-search-status");
  $("checkin-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = $("checkin-search-input").value.trim();
    people.textContent = "";
    if (q.length < 2) { searchStatus.textContent = T.searchShort; return; }
    if (navigator.onLine === false) { searchStatus.textContent = T.searchOffline; return; }
    searchStatus.textContent = T.searching;
    var url = root.dataset.searchUrl + "?q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          return failure(response).then(function (message) { searchStatus.textContent = message; });
        }
        return response.json().then(listPeople);
      })
      .catch(function () { searchStatus.textContent = T.searchOffline; });
  });

  function listPeople(data) {
    var found = data.people || [];
    searchStatus.textContent = found.length ? format(T.matches, { count: found.length }) : T.noMatches;
    found.forEach(function (person) {
      var item = document.createElement("li");
      var text = document.createElement("span");
      var name = document.createElement("strong");
      name.textContent = person.name;
      text.appendChild(name);
      [person.company, person.role, person.note].filter(Boolean).forEach(function (part) {
        var line = document.createElement("span");
        line.textContent = part;
        text.appendChild(line);
      });
      if (person.note) { item.className = "is-revoked"; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = T.checkIn;
      button.setAttribute("aria-label", format(T.checkInWho, { name: person.name }));
      button.addEventListener("click", function () {
        scan(person.code);
        panel.scrollIntoView({ block: "center" });
      });
      item.appendChild(text);
      item.appendChild(button);
      people.appendChild(item);
    });
  }

  // --- the camera ---------------------------------------------------------------------------
  var camera = { running: false, paused: false, lastCode: null, lastSeen: 0 };
  var video = $("checkin-video");
  var canvas = document.createElement("canvas");
  var context2d = canvas.getContext("2d", { willReadFrequently: true });
  var startButton = $("checkin-start");
  var stopButton = $("checkin-stop");
  var detector = null;
  var stream = null;
  var loop = null;

  function detectorReady() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") === -1 ? null
        : new window.BarcodeDetector({ formats: ["qr_code"] });
    }, function () { return null; });
  }

  function readFrame() {
    if (!video.videoWidth) { return Promise.resolve(null); }
    // At most 640 pixels wide: plenty for a badge held up, and quick for jsQR on a phone.
    var scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context2d.drawImage(video, 0, 0, canvas.width, canvas.height);
    if (detector) {
      return detector.detect(canvas).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    if (typeof window.jsQR !== "function") { return Promise.resolve(null); }
    var image = context2d.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
    return Promise.resolve(found ? found.data : null);
  }

  var reading = false;
  function tick() {
    if (!camera.running || camera.paused || reading) { return; }
    reading = true;
    readFrame().then(function (text) {
      if (!text || camera.paused) { return; }
      var now = Date.now();
      var same = text === camera.lastCode && now - camera.lastSeen < SAME_CODE_MS;
      camera.lastCode = text;
      camera.lastSeen = now;
      if (!same) { scan(text); }
    }).catch(function () { /* a frame that could not be read: the next one may */ })
      .then(function () { reading = false; });
  }

  // While an answer is shown the badge may still be in view: it counts as seen, not read again.
  function watchWhilePaused() {
    if (camera.running && camera.paused && camera.lastCode) { camera.lastSeen = Date.now(); }
  }

  function startCamera() {
    startButton.disabled = true;
    detectorReady().then(function (found) {
      detector = found;
      return navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      $("checkin-camera").hidden = false;
      return video.play();
    }).then(function () {
      camera.running = true;
      camera.paused = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      loop = setInterval(function () { watchWhilePaused(); tick(); }, DECODE_EVERY_MS);
      idle();
    }).catch(function () {
      stopCamera();
      answered("is-bad", T.failed, T.cameraError);
    }).then(function () { startButton.disabled = false; });
  }

  function stopCamera() {
    clearInterval(loop);
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.srcObject = null;
    camera.running = false;
    $("checkin-camera").hidden = true;
    startButton.hidden = false;
    stopButton.hidden = true;
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
    startButton.addEventListener("click", startCamera);
    stopButton.addEventListener("click", function () { stopCamera(); idle(); });
  } else {
    $("checkin-result-message").textContent = T.noCamera;
  }

  showNetwork();
  sync();
})();
