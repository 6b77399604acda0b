/** The login page: a form that posts the token once; the server answers with an HttpOnly cookie. Self-contained. */
export function loginPage(message?: string): string {
  const notice = message === undefined ? '' : `<p class="error">${message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>runmeter: sign in</title>
<style>
body { font: 15px system-ui, sans-serif; display: grid; place-items: center; min-height: 90vh; margin: 0; color: #222; }
form { display: grid; gap: 10px; width: min(420px, 90vw); }
input { font: 14px ui-monospace, monospace; padding: 8px; }
button { padding: 8px; font-size: 15px; }
.error { color: #b00020; }
code { background: #f3f3f3; padding: 1px 4px; }
</style></head>
<body><form method="post" action="/login">
<h1>runmeter</h1>
<p>This server needs a token. Paste one made with <code>runmeter token create NAME</code>.</p>
${notice}
<input name="token" type="password" autocomplete="current-password" placeholder="rmt_..." required autofocus>
<button type="submit">Sign in</button>
</form></body></html>
`;
}
