"""A client of the printer's MQTT that behaves like the Home Assistant Bambu Lab integration
(pybambu): TLS without certificate checks, user bblp and the access code, MQTT 3.1.1,
keep-alive 5 s; on connect it subscribes to the report topic and sends get_version and pushall.
It exits 0 once it holds a full state (a push_status with msg 0) and the version answer, and
prints one JSON line describing what it got. Usage: ha_like_client.py HOST PORT SERIAL (the
access code comes from the ACCESS_CODE environment variable, so it is on no command line).
"""
import json
import os
import ssl
import sys
import threading

import paho.mqtt.client as mqtt

host, port, serial = sys.argv[1], int(sys.argv[2]), sys.argv[3]
report_topic = f"device/{serial}/report"
request_topic = f"device/{serial}/request"
done = threading.Event()
got = {"full": None, "version": None, "reports": 0, "connack": None}


def on_connect(client, userdata, flags, rc, *rest):
    got["connack"] = int(rc) if not hasattr(rc, "value") else rc.value
    if got["connack"] != 0:
        done.set()
        return
    client.subscribe(report_topic)
    client.publish(request_topic, json.dumps({"info": {"sequence_id": "0", "command": "get_version"}}))
    client.publish(request_topic, json.dumps({"pushing": {"sequence_id": "0", "command": "pushall",
                                                          "version": 1, "push_target": 1}}))


def on_message(client, userdata, message):
    got["reports"] += 1
    data = json.loads(message.payload)
    status = data.get("print", {})
    if status.get("command") == "push_status" and status.get("msg", 0) == 0 and got["full"] is None:
        got["full"] = status
    if data.get("info", {}).get("command") == "get_version":
        got["version"] = data["info"]
    if got["full"] is not None and got["version"] is not None:
        done.set()


if hasattr(mqtt, "CallbackAPIVersion"):  # paho-mqtt 2
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, protocol=mqtt.MQTTv311)
else:
    client = mqtt.Client(protocol=mqtt.MQTTv311)
client.on_connect = on_connect
client.on_message = on_message
client.username_pw_set("bblp", os.environ["ACCESS_CODE"])
client.tls_set(cert_reqs=ssl.CERT_NONE)
client.tls_insecure_set(True)
client.connect(host, port, keepalive=5)
client.loop_start()
finished = done.wait(20)
client.disconnect()
client.loop_stop()
full = got["full"] or {}
print(json.dumps({"connack": got["connack"], "reports": got["reports"], "full_fields": len(full),
                  "gcode_state": full.get("gcode_state"), "sequence_id": full.get("sequence_id"),
                  "modules": len((got["version"] or {}).get("module", []))}))
sys.exit(0 if finished and got["connack"] == 0 else 1)
