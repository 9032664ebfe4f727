-- essm-sync: the window's links are read in reference byte order (COLLATE "C", the order the run
-- joins them in), 10,000 at a time after the last reference read. The primary key's index is in the
-- database's collation, so each chunk sorted every link of the window (a top-N sort of the term's
-- rows, five times a run); this index in byte order lets each chunk be read in order, from its
-- keyset on. Prisma's schema cannot say COLLATE: it declares @@index([reference]) (essm.prisma).

-- CreateIndex
CREATE INDEX "booking_link_reference_idx" ON "essm"."booking_link"("reference" COLLATE "C");
