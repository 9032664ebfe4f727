import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';

export interface Problem {
  field: string;
  message: string;
}

/**
 * What is not yours is answered exactly as what does not exist, so that ids cannot be probed.
 */
export function notFound(
  what: 'account' | 'order' | 'quote' | 'project' | 'product' | 'voucher',
): NotFoundException {
  return new NotFoundException(`No such ${what}`);
}

/** 400 in the shape of libs/validation: a message and every problem, each naming its field. */
export function invalid(message: string, problems: Problem[]): BadRequestException {
  return new BadRequestException({ message, problems });
}

export function conflict(message: string): ConflictException {
  return new ConflictException(message);
}
