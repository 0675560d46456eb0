// Orienta web chat: every text comes from /api/ui (the catalogs); nothing is stored but a
// random session id in this tab (sessionStorage), which ends when the tab closes.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const log = $("log"), form = $("composer"), input = $("text"), select = $("language");
  const newSession = () => {
    // 128 random bits from the browser's cryptographic generator: the only key to the replies
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("orienta-session", id);
    return id;
  };
  let session = sessionStorage.getItem("orienta-session") || newSession();
  let ui = { language: "it", direction: "ltr", strings: {}, languages: [] };
  let lastUpdate = 0, polling = null, queue = Promise.resolve();

  async function loadUi(lang) {
    const response = await fetch("/api/ui?lang=" + encodeURIComponent(lang || ""));
    ui = await response.json();
    document.documentElement.lang = ui.language;
    document.documentElement.dir = ui.direction;
    document.title = ui.strings.title;
    $("title").textContent = ui.strings.title;
    $("intro").textContent = ui.strings.intro;
    $("language-label").textContent = ui.strings.language;
    $("send").textContent = ui.strings.send;
    $("text-label").textContent = ui.strings.placeholder;
    input.placeholder = ui.strings.placeholder;
    $("location").textContent = ui.strings.location;
    $("location").hidden = !navigator.geolocation;
    $("privacy").textContent = ui.strings.privacy;
    $("forget").textContent = ui.strings.forget;
    select.replaceChildren(...ui.languages.map((l) => {
      const option = new Option(l.name, l.code, false, l.code === ui.language);
      option.lang = l.code; option.dir = l.direction;
      return option;
    }));
  }

  function bubble(kind, text, language, direction) {
    const div = document.createElement("div");
    div.className = "message " + kind;
    div.lang = language || ui.language;
    div.dir = direction || ui.direction;
    div.textContent = text;
    log.appendChild(div);
    div.scrollIntoView({ block: "end" });
    return div;
  }

  function render(reply, language, direction, kind) {
    const div = bubble(kind || "bot", reply.text || "", language, direction);
    if (reply.office) {
      div.classList.add("card");
      div.setAttribute("role", "article");
      div.setAttribute("aria-label", reply.office.name);
      if (reply.office.lat != null && reply.office.lon != null) {
        const a = document.createElement("a");
        a.className = "map"; a.target = "_blank"; a.rel = "noopener";
        a.href = "https://www.openstreetmap.org/?mlat=" + reply.office.lat + "&mlon=" + reply.office.lon + "#map=17/" + reply.office.lat + "/" + reply.office.lon;
        a.textContent = ui.strings.map;
        div.append(document.createElement("br"), a);
      }
    }
    if (reply.buttons && reply.buttons.length) {
      const group = document.createElement("div");
      group.className = "buttons"; group.setAttribute("role", "group");
      for (const b of reply.buttons) {
        const button = document.createElement("button");
        button.type = "button"; button.className = "choice"; button.textContent = b.title;
        button.addEventListener("click", () => send({ payload: b.payload }, b.title));
        group.appendChild(button);
      }
      div.appendChild(group);
    }
  }

  // messages are sent one after another, in the order they were written: none is lost
  function send(body, shown) {
    if (shown) bubble("user", shown);
    queue = queue.then(() => post(body));
    return queue;
  }

  async function post(body) {
    $("status").textContent = "…";
    try {
      const response = await fetch("/api/message", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session, language: select.value || ui.language, ...body }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const turn = await response.json();
      if (turn.language !== ui.language && body.payload && body.payload.startsWith("/change_language")) {
        await loadUi(turn.language);
      }
      for (const reply of turn.replies) render(reply, turn.language, turn.direction);
      $("status").textContent = turn.handoff ? ui.strings.staff_waiting : "";
      setPolling(Boolean(turn.handoff));
    } catch (error) {
      $("status").textContent = ui.strings.error;
    } finally {
      input.focus();
    }
  }

  async function poll() {
    try {
      const response = await fetch("/api/updates?session=" + encodeURIComponent(session) + "&after=" + lastUpdate);
      const data = await response.json();
      for (const m of data.messages) {
        lastUpdate = Math.max(lastUpdate, m.id);
        render(m, m.language, m.direction, "staff");
      }
      $("status").textContent = data.handoff ? ui.strings.staff_waiting : "";
      if (!data.handoff && !data.messages.length) setPolling(false);
    } catch (error) { /* try again at the next tick */ }
  }

  function setPolling(on) {
    if (on && !polling) polling = setInterval(poll, 3000);
    if (!on && polling) { clearInterval(polling); polling = null; }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text }, text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  select.addEventListener("change", async () => {
    const code = select.value;
    await loadUi(code);
    send({ payload: '/change_language{"language": "' + code + '"}' });
  });
  $("forget").addEventListener("click", async () => {
    const response = await fetch("/api/forget", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session, language: select.value || ui.language }),
    });
    if (!response.ok) { $("status").textContent = ui.strings.error; return; }
    const turn = await response.json();
    log.replaceChildren();
    for (const reply of turn.replies) render(reply, turn.language, turn.direction);
    session = newSession();
    setPolling(false);
  });
  $("location").addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (p) => send({ latitude: p.coords.latitude, longitude: p.coords.longitude }, "📍"),
      () => { $("status").textContent = ui.strings.location_unavailable; },
      { timeout: 15000 },
    );
  });

  const preferred = (navigator.languages || [navigator.language || ""])[0];
  loadUi(new URLSearchParams(location.search).get("lang") || preferred).then(() => input.focus());
})();
