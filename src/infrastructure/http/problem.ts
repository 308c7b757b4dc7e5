/** RFC 9457 problem details; every error the API returns has this shape. */
export type Problem = Readonly<{
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: readonly Readonly<{ path: string; message: string }>[];
  details?: Readonly<Record<string, unknown>>;
}>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, fields: Omit<Problem, 'status' | 'title' | 'type'> & { title?: string; type?: string } = {}): Problem {
  return {
    type: fields.type ?? 'about:blank',
    title: fields.title ?? TITLES[status] ?? 'Error',
    status,
    ...fields,
  };
}
