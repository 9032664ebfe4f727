/** supervisord could not be asked: no connection, a timeout, an HTTP error or an answer that is not XML-RPC. */
export class SupervisorUnreachableError extends Error {
  constructor(
    readonly instance: string,
    readonly reason: string,
  ) {
    super(`supervisord of instance "${instance}" is unreachable: ${reason}`);
    this.name = 'SupervisorUnreachableError';
  }
}

/** supervisord answered with a fault (`BAD_NAME: foo`...). */
export class SupervisorFaultError extends Error {
  constructor(
    readonly instance: string,
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`supervisord of instance "${instance}" answered ${faultString}`);
    this.name = 'SupervisorFaultError';
  }
}
