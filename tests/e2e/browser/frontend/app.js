/* A headless frontend on another origin: signs in through django-allauth's headless "app" client (a session
   token in the X-Session-Token header: another site can neither read the API's CSRF cookie nor rely on its
   session cookie), then uses the catalogue, checkout and content APIs. The API's address comes from ?api=. */
"use strict";
const API = new URLSearchParams(location.search).get("api");
let sessionToken = null;

async function call(method, path, body) {
  const headers = {"Accept": "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (sessionToken) headers["X-Session-Token"] = sessionToken;
  const response = await fetch(API + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const data = await response.json().catch(() => null);
  if (data && data.meta && data.meta.session_token) sessionToken = data.meta.session_token;
  return {status: response.status, data};
}

window.frontend = {
  askForCode: (email) => call("POST", "/_allauth/app/v1/auth/code/request", {email}),
  async typeCode(code) {
    const answer = await call("POST", "/_allauth/app/v1/auth/code/confirm", {code});
    if (answer.status === 200) document.getElementById("who").textContent = "Signed in as " + answer.data.data.user.email;
    return answer;
  },
  async showCatalogue() {
    const answer = await call("GET", "/api/catalogue/products");
    const list = document.getElementById("catalogue");
    for (const product of answer.data || []) {
      const item = document.createElement("li");
      item.textContent = product.name;
      list.append(item);
    }
    return answer;
  },
  startCheckout: (product) => call("POST", "/api/checkout", {product, consent: true}),
  enrol: (courseId) => call("POST", `/api/learning/courses/${courseId}/enrol`, {emails: false}),
  async readLesson(lessonId) {
    const answer = await call("GET", `/api/v2/pages/${lessonId}/`);
    const lesson = document.getElementById("lesson");
    lesson.textContent = answer.data && answer.data.title ? answer.data.title : "";
    return answer;
  },
  checkoutWithoutToken: (product) =>
    fetch(API + "/api/checkout", {method: "POST", credentials: "include", headers: {"Content-Type": "application/json"},
                                  body: JSON.stringify({product, consent: true})}).then((r) => r.status),
};
