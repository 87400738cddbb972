// Runner test data: an --impl module that exports no connect.
export const notConnect = 1;
