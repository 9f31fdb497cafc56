/* The API explorer (/api/docs/explorer): starts Swagger UI, whose bundle is loaded before this
   file, on the OpenAPI document named by the page (a static file: the CSP allows no inline
   script).

   Its layout is Swagger UI's BaseLayout with three changes: the operations sit in a <div>, not
   a second <main> inside the page's own (a page has one main landmark); no information block
   (the page has its own title and description, and no box to load another site's document);
   and no deep links, which put a link inside each operation's button (nested controls). */
(function () {
  "use strict";
  var root = document.getElementById("api-explorer");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }

  function ExplorerLayoutPlugin(system) {
    var h = system.React.createElement;

    function ExplorerLayout(props) {
      var spec = props.specSelectors;
      var get = props.getComponent;
      var Errors = get("errors", true);
      var status = spec.loadingStatus();
      if (status === "loading") {
        return h("div", { className: "swagger-ui" },
          h("div", { className: "loading-container" }, h("div", { className: "loading" })));
      }
      if (status === "failed" || status === "failedConfig" || !spec.specStr()) {
        return h("div", { className: "swagger-ui" },
          h("p", { className: "api-explorer-failed" }, root.getAttribute("data-failed")),
          h(Errors, null));
      }
      var Col = get("Col");
      var Row = get("Row");
      var Pragma = get("VersionPragmaFilter");
      var secured = !!spec.securityDefinitions();
      return h("div", { className: "swagger-ui" },
        h(get("SvgAssets"), null),
        h(Pragma, {
          isSwagger2: spec.isSwagger2(),
          isOAS3: spec.isOAS3(),
          isOAS31: spec.isOAS31(),
          isOAS32: spec.isOAS32 ? spec.isOAS32() : false,
          alsoShow: h(Errors, null)
        },
          h(Errors, null),
          secured ? h("div", { className: "scheme-container" },
            h(Col, { className: "schemes wrapper", mobile: 12 },
              h(get("AuthorizeBtnContainer", true), null))) : null,
          h(get("FilterContainer", true), null),
          h("div", { id: "operations" },
            h(Row, null, h(Col, { mobile: 12, desktop: 12 }, h(get("operations", true), null))),
            h(Row, null, h(Col, { mobile: 12, desktop: 12 }, h(get("Models", true), null))))));
    }

    return { components: { ExplorerLayout: ExplorerLayout } };
  }

  window.SwaggerUIBundle({
    url: root.getAttribute("data-document"),
    domNode: root,
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [ExplorerLayoutPlugin],
    layout: "ExplorerLayout",
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    tryItOutEnabled: false,
    validatorUrl: null
  });
})();
