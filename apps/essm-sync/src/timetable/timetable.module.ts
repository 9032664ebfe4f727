import { Module } from '@nestjs/common';
import { EventsReader } from './events-reader.service.js';
import { LinkRepository } from './link.repository.js';

/** What TermTime's timetable calls for in Booker: the reader of both and our link table. */
@Module({ providers: [EventsReader, LinkRepository], exports: [EventsReader, LinkRepository] })
export class TimetableModule {}
