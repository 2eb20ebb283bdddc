// On a phone the lists are cards (static/css/app.css, "Phones"): each cell carries the
// heading of its column as data-label, shown before the value. Done once, here, for every
// table with a header, so no template repeats its headings.
(() => {
  for (const table of document.querySelectorAll("table.table")) {
    const headings = [];
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!head) continue;
    for (const th of head.cells) {
      for (let i = 0; i < (th.colSpan || 1); i += 1) headings.push(th.textContent.trim());
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (!cell.hasAttribute("data-label") && headings[column]) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += cell.colSpan || 1;
        }
      }
    }
  }
})();
