// A Stryker "ignorer": leaves statements that only log (`this.logger.warn(...)`, `logger.info(...)`)
// unmutated. What a log line says is not behaviour the syncer's contract or the fuzz can pin down,
// and its mutants would only dilute the score. Written as a plain plugin object (what
// `declareValuePlugin(PluginKind.Ignore, …)` returns), so it needs no import from Stryker's API.
const LOG_METHODS = new Set(["debug", "info", "warn", "error"]);

/** `logger.warn(…)`, `this.logger.warn(…)`, `this.deps.logger.warn(…)`: a log method of a `logger`. */
function isLoggerCall(node) {
  if (node?.type !== "CallExpression" || node.callee.type !== "MemberExpression") return false;
  const { object, property } = node.callee;
  if (property.type !== "Identifier" || !LOG_METHODS.has(property.name)) return false;
  if (object.type === "Identifier") return object.name === "logger";
  return (
    object.type === "MemberExpression" &&
    !object.computed &&
    object.property.type === "Identifier" &&
    object.property.name === "logger"
  );
}

export const strykerPlugins = [
  {
    kind: "Ignore",
    name: "logging",
    value: {
      shouldIgnore(path) {
        if (path.isExpressionStatement() && isLoggerCall(path.node.expression)) return "only logs";
        return undefined;
      },
    },
  },
];
