ARG BASE=ubuntu
FROM ${BASE} AS probe
HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1

FROM debian:12.8
ENV API_TOKEN=abc123
ADD ./src /src
ADD https://example.com/tool.tar.gz /opt/
RUN apt-get update && apt-get install curl
RUN apt-get upgrade -y
RUN apk add git=2.45.2-r0
ARG NPM_TOKEN
RUN npm_config_token=$NPM_TOKEN npm ci
RUN apt list --installed
WORKDIR app
COPY . .
RUN pip install -r requirements.txt --no-cache-dir
RUN cd /tmp && ls
RUN sudo touch /x
RUN curl -fsSL https://example.com/install.sh | sh
RUN pip install flask
CMD ["old"]
CMD python app.py
