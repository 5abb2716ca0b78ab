// Jest's node environment runs each test file in its own vm realm, so errors created by Node's
// core modules (a socket reset in node:http) are not `instanceof Error` there. The AWS SDK's retry
// middleware checks exactly that, and in a jest realm it wraps such errors into plain
// "AWS SDK error wrapper for …" errors that it no longer retries — behaviour production never has.
// Sharing the error constructors with the outer realm keeps the SDK's behaviour under test real.
const { TestEnvironment } = require('jest-environment-node');

class SameRealmErrorsEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Error',
      'TypeError',
      'RangeError',
      'SyntaxError',
      'ReferenceError',
      'EvalError',
      'URIError',
      'AggregateError',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = SameRealmErrorsEnvironment;
