/** Entry of the doctor's screen: takes the per-boot token from the address, connects, renders. */
import { render } from "preact";
import { App } from "./app.tsx";
import { KioskConnection, takeToken } from "./connection.ts";
import { translator } from "./i18n/i18n.ts";
import "./styles.css";

const root = document.getElementById("app");
const token = takeToken();
if (root !== null) {
  if (token === null) {
    const message = document.createElement("p");
    message.className = "waiting";
    // Before any state there is no language setting: both, French first.
    message.textContent = `${translator("fr")("noToken")} — ${translator("en")("noToken")}`;
    root.replaceChildren(message);
  } else {
    const connection = new KioskConnection(token);
    connection.start();
    render(<App connection={connection} />, root);
  }
}
