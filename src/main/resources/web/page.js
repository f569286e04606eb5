// The page's only script: polls api/status once a second and fills the page in; all links are
// relative to the page's <base> (the Home Assistant ingress prefix, or "/").
"use strict";

const $ = (id) => document.getElementById(id);

function text(id, value) {
  $(id).textContent = value;
}

function ago(seconds) {
  if (seconds < 60) return seconds + " s";
  if (seconds < 3600) return Math.floor(seconds / 60) + " min";
  if (seconds < 86400) return Math.floor(seconds / 3600) + " h " + Math.floor(seconds % 3600 / 60) + " min";
  return Math.floor(seconds / 86400) + " d";
}

function bits(rate) {
  if (rate >= 1e6) return (rate / 1e6).toFixed(2) + " Mbit/s";
  if (rate >= 1e3) return (rate / 1e3).toFixed(0) + " kbit/s";
  return rate + " bit/s";
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    if (c instanceof Node) td.appendChild(c); else td.textContent = c;
    tr.appendChild(td);
  }
  return tr;
}

function code(value) {
  const c = document.createElement("code");
  c.textContent = value;
  return c;
}

// the host as this browser reached the page (the Home Assistant host under ingress)
function host() {
  const h = location.hostname;
  return h.includes(":") ? "[" + h + "]" : h;
}

function urls(s) {
  const h = host();
  const web = "http://" + h + ":" + s.ports.http;
  const list = [
    ["Browser, Home Assistant MJPEG IP Camera, OctoPrint, Frigate, go2rtc (MJPEG)", web + "/stream.mjpeg"],
    ["MJPEG with the credentials in the URL", "http://" + s.user + ":<code>@" + h + ":" + s.ports.http + "/stream.mjpeg"],
    ["Still image (snapshot)", web + "/snapshot.jpg"],
  ];
  if (s.camera_type === "rtsp") {
    list.push(["RTSP (VLC, ffmpeg, Home Assistant Generic Camera)", "rtsp://" + s.user + ":<code>@" + h + ":" + s.ports.rtsp + "/stream"]);
    list.push(["RTSPS, as the printer's own URL", "rtsps://" + s.user + ":<code>@" + h + ":" + s.ports.rtsp + "/streaming/live/1"]);
  } else if (s.camera_type === "chamber") {
    list.push(["Chamber-image clients (as the printer: address and port)", h + ":" + s.ports.chamber]);
  }
  if (s.ports.mqtt) {
    list.push(["MQTT tools (Bambu Lab integration, slicers in LAN mode; user " + s.user + ", the printer's serial in the topics)",
      h + ":" + s.ports.mqtt]);
  }
  const body = $("urls");
  body.replaceChildren(...list.map(([what, url]) => row([what, code(url)])));
}

// the printer's certificate (--printer-trust): its state and fingerprint, and what to do when it is not trusted
function certificate(state, a) {
  const known = (sha, cn) => sha ? " (SHA-256 " + sha + (cn ? ", CN " + cn : "") + ")" : "";
  text("printer_certificate", state === null ? "not checked yet" : state + known(a.sha256, a.cn));
  const hints = {
    changed: "The printer presents another certificate" + known(a.new_sha256, a.new_cn) + " than the one trusted: "
      + "the proxy does not connect to it. If you know why (a replaced printer), press \u201cTrust the printer's new "
      + "certificate\u201d in Home Assistant, or delete printer-trust.properties in the data folder. If not, find out "
      + "what answers at the printer's address first; Reconnect tries the trusted certificate again.",
    refused: "The printer's certificate" + known(a.new_sha256, a.new_cn) + " is refused by --printer-trust bambu "
      + "(not signed by BambuLab's CAs for this printer's serial): the proxy does not connect to it. If it is your "
      + "printer, give its CA with --printer-ca, or use --printer-trust auto.",
  };
  const hint = $("certificate_hint");
  hint.hidden = !(state in hints);
  hint.textContent = hints[state] || "";
}

function render(s) {
  const state = $("state");
  state.textContent = s.printer_camera ? "streaming" : s.upstream_state.replace("_", " ");
  state.className = "badge " + s.upstream_state;
  text("camera_type", s.camera_type);
  text("upstream_state", s.upstream_state.replace("_", " "));
  text("frame_rate", s.frame_rate.toFixed(1) + " fps");
  text("bitrate", bits(s.bitrate));
  text("last_frame", s.last_frame_age_ms === null ? "none yet" : (s.last_frame_age_ms / 1000).toFixed(1) + " s ago");
  text("reconnects", String(s.reconnects));
  text("last_error", s.last_error || "none");
  certificate(s.printer_certificate, s.printer_certificate_attributes);
  const relay = s.printer_mqtt !== undefined;
  for (const e of document.querySelectorAll(".mqtt")) e.hidden = !relay;
  if (relay) {
    text("printer_mqtt", (s.printer_mqtt ? "connected" : s.printer_mqtt_state.replace("_", " ")) + ", "
      + s.mqtt_clients + (s.mqtt_clients === 1 ? " tool" : " tools"));
  }
  const perProtocol = {};
  for (const c of s.client_list) perProtocol[c.protocol] = (perProtocol[c.protocol] || 0) + 1;
  const counts = Object.entries(perProtocol).map(([p, n]) => n + " " + p).join(", ");
  text("clients", "(" + s.clients + (counts ? ": " + counts : "") + ")");
  const clients = s.client_list.map((c) => row([c.protocol, c.address, ago(c.seconds) + " (" + new Date(c.since).toLocaleTimeString() + ")"]));
  $("client_list").replaceChildren(...(clients.length ? clients : [row(["none", "", ""])]));
  text("version", s.version);
  urls(s);
}

async function poll() {
  try {
    const response = await fetch("api/status", { cache: "no-store" });
    if (response.ok) render(await response.json());
  } catch (e) {
    text("state", "no answer");
  }
  setTimeout(poll, 1000);
}

// a stream that ended (the proxy restarted, the camera switched) is opened again
function restartStream() {
  const img = $("live");
  setTimeout(() => { img.src = "stream.mjpeg?t=" + Date.now(); }, 2000);
}

async function reconnect() {
  const button = $("reconnect");
  button.disabled = true;
  text("message", "Reconnecting to the printer's camera…");
  try {
    const response = await fetch("api/reconnect", { method: "POST" });
    text("message", response.ok ? "Reconnect asked." : "Reconnect refused: " + response.status);
  } catch (e) {
    text("message", "Reconnect failed: " + e);
  }
  setTimeout(() => { button.disabled = false; }, 2000);
}

document.addEventListener("DOMContentLoaded", () => {
  $("reconnect").addEventListener("click", reconnect);
  $("live").addEventListener("error", restartStream);
  poll();
});
