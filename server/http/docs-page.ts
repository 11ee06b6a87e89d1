/** Interactive API docs served from the local swagger-ui-dist files, so they work offline. */
export function docsPage(specUrl: string, assetsBase: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>SP Hub API</title>
  <link rel="stylesheet" href="${assetsBase}/swagger-ui.css">
</head>
<body>
  <div id="docs"></div>
  <script src="${assetsBase}/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#docs', persistAuthorization: true });
  </script>
</body>
</html>`;
}
