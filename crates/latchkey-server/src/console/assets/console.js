// The console's progressive enhancement: every page works without it; with
// it, secrets can be copied, many keys selected at once, destructive buttons
// confirmed, and JWT key pairs generated in the browser (the private key
// never leaves it).
"use strict";

document.addEventListener("click", async (event) => {
  const copy = event.target.closest("[data-copy]");
  if (copy) {
    const source = document.getElementById(copy.dataset.copy);
    const text = source.value ?? source.textContent;
    try {
      await navigator.clipboard.writeText(text);
      announce(copy, "Copied to the clipboard");
    } catch {
      source.select?.();
      announce(copy, "Press Ctrl+C to copy the selected text");
    }
  }
});

function announce(near, message) {
  const status = document.getElementById(near.dataset.status || "copy-status");
  if (status) status.textContent = message;
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset.confirm || event.submitter?.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (all) {
    for (const box of document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)) {
      box.checked = all.checked;
    }
  }
});

// JWT key pairs made here with WebCrypto: the public key goes into the form
// as a JWK, the private key is offered as a PKCS #8 PEM download and is
// never sent.
const generate = document.getElementById("generate-pair");
if (generate && window.crypto?.subtle) {
  generate.hidden = false;
  generate.addEventListener("click", async () => {
    const algorithm = document.getElementById("algorithm").value || "ES256";
    const params = {
      EdDSA: { name: "Ed25519" },
      ES256: { name: "ECDSA", namedCurve: "P-256" },
      ES384: { name: "ECDSA", namedCurve: "P-384" },
      RS256: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      PS256: { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    }[algorithm === "Ed25519" ? "EdDSA" : algorithm];
    const status = document.getElementById("pair-status");
    try {
      const pair = await crypto.subtle.generateKey(params, true, ["sign", "verify"]);
      const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
      const publicJwk = Object.fromEntries(Object.entries(jwk).filter(([name]) => ["kty", "crv", "x", "y", "n", "e"].includes(name)));
      document.getElementById("public_key").value = JSON.stringify(publicJwk, null, 2);
      const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
      const base64 = btoa(String.fromCharCode(...pkcs8)).replace(/.{1,64}/g, "$&\n");
      const pem = `-----BEGIN PRIVATE KEY-----\n${base64}-----END PRIVATE KEY-----\n`;
      const link = document.getElementById("private-download");
      link.href = URL.createObjectURL(new Blob([pem], { type: "application/x-pem-file" }));
      link.download = "latchkey-private-key.pem";
      link.hidden = false;
      status.textContent = "A key pair was made in this browser. The public key is in the form; download the private key now: it is not sent and cannot be shown again.";
    } catch (error) {
      status.textContent = `This browser cannot make a ${algorithm} key pair (${error.name}). Choose another algorithm or paste a public key.`;
    }
  });
}
