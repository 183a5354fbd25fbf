/** A response's JSON body, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: answers of every shape are checked by the assertions
export const json = (res: Response): Promise<any> => res.json();
