// Marking stands on a hall plan (organizer console): choose a stand, click its place on the
// plan. It only fills in the form's percentage fields, which work without this module, and
// moves the stand's marker (SVG attributes: no inline style, as the CSP wants).
const svg = document.querySelector("svg[data-plan]");
const form = document.getElementById("plan-form");

const width = svg ? Number(svg.dataset.width) : 0;
const height = svg ? Number(svg.dataset.height) : 0;

function shown(value) {
  return (Math.round(value * 1000) / 10).toString();
}

function field(axis, index) {
  return form.querySelector(`[data-${axis}="${index}"]`);
}

function move(index) {
  const marker = svg.querySelector(`[data-marker="${index}"]`);
  if (!marker) return;
  const x = parseFloat(field("x", index).value.replace(",", "."));
  const y = parseFloat(field("y", index).value.replace(",", "."));
  const on = [x, y].every((v) => Number.isFinite(v) && v >= 0 && v <= 100);
  if (on) {
    marker.setAttribute("transform", `translate(${(x / 100) * width} ${(y / 100) * height})`);
    marker.removeAttribute("display");
  } else {
    marker.setAttribute("display", "none");
  }
}

function chooseNext(after) {
  const radios = [...form.querySelectorAll('input[name="selected"]')];
  const start = radios.findIndex((radio) => radio.value === after);
  const rest = radios.slice(start + 1).concat(radios.slice(0, start + 1));
  const next = rest.find((radio) => !field("x", radio.value).value && !field("y", radio.value).value);
  if (next) next.checked = true;
}

if (svg && form && width > 0 && height > 0) {
  document.querySelectorAll("[data-plan-help]").forEach((element) => {
    element.hidden = false;
  });
  svg.classList.add("is-clickable");
  svg.addEventListener("click", (event) => {
    const selected = form.querySelector('input[name="selected"]:checked');
    if (!selected) return;
    const box = svg.getBoundingClientRect();
    const x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    const y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
    field("x", selected.value).value = shown(x);
    field("y", selected.value).value = shown(y);
    move(selected.value);
    chooseNext(selected.value);
  });
  form.addEventListener("input", (event) => {
    const index = event.target.dataset.x ?? event.target.dataset.y;
    if (index !== undefined) move(index);
  });
}
