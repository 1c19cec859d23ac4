// Clientside callbacks of the timeline dashboard (see dashboard/callbacks.py).

// Plotly draws WebGL at twice the screen's resolution by default: four times the pixels to
// allocate, clear and fill on every redraw, which a browser without a GPU pays for in full.
// At the screen's own resolution (at most 2) nothing is lost on screen. (This file loads
// after plotly-gl2d.min.js: Dash includes the assets in alphabetical order.)
if (window.Plotly && window.Plotly.setPlotConfig) {
  window.Plotly.setPlotConfig({
    plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1))
  });
}
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  timeline: {
    // The filters changed: the table (AG Grid's infinite row model) asks the server again.
    refreshGrid: function (view, gridId) {
      dash_ag_grid.getApiAsync(gridId).then(function (api) {
        api.purgeInfiniteCache();
      }).catch(function () {});
      return window.dash_clientside.no_update;
    },
    // An event was chosen in the figure: scroll the table to its row and select it once the
    // row has been fetched.
    selectRow: function (target, gridId) {
      if (!target || target.index === null || target.index === undefined) {
        return window.dash_clientside.no_update;
      }
      dash_ag_grid.getApiAsync(gridId).then(function (api) {
        api.ensureIndexVisible(target.index, "middle");
        var tries = 0;
        var pick = function () {
          var node = api.getRowNode(target.key);
          if (node && node.data) {
            api.deselectAll();
            node.setSelected(true);
          } else if (tries++ < 60) {
            setTimeout(pick, 50);
          }
        };
        pick();
      }).catch(function () {});
      return window.dash_clientside.no_update;
    },
    // The source panel shows a new event: scroll the panel (not the page) to its expression.
    revealMark: function (children) {
      setTimeout(function () {
        var panel = document.getElementById("source-panel");
        var mark = panel && panel.querySelector("mark");
        if (mark) {
          // the panel is positioned, so a mark's offsetTop is measured from the panel's top
          panel.scrollTop = Math.max(0, mark.offsetTop - panel.clientHeight / 2);
        }
      }, 0);
      return window.dash_clientside.no_update;
    }
  }
});
